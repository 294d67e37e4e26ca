/** The web smoke journeys through Selenium WebDriver (the same definitions run through Playwright). */
import { test } from '../../../fixtures/selenium.fixtures.ts';
import { defineWebSmoke } from '../journeys.ts';

defineWebSmoke(test, 'selenium');
