/** The web smoke journeys through Selenium WebDriver (the same definitions run through Playwright). */
import { test } from '../../../fixtures/selenium.fixtures.ts';
import { defineWebSmoke } from '../../../fixtures/journeys/web-smoke.ts';

defineWebSmoke(test, 'selenium');
