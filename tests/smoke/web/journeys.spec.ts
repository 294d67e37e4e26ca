/** The web smoke journeys through Playwright (the same definitions run through Selenium). */
import { test } from '../../../fixtures/index.ts';
import { defineWebSmoke } from '../journeys.ts';

defineWebSmoke(test, 'web');
