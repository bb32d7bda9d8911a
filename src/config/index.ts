/**
 * Configuration: `defineConfig` for `bridle.config.ts`, the strict schema (extend it for more keys), and
 * the loader.
 */
export {
  KNOWN_PROVIDERS,
  backboneSettingsSchema,
  bridleConfigSchema,
  budgetsSchema,
  cacheSchema,
  defineConfig,
  priceSchema,
  samplingSchema,
  type BackboneSettings,
  type BridleConfig,
  type BridleConfigInput,
} from './schema.ts';
export { CONFIG_FILE_NAMES, findConfigFile, formatConfigIssues, loadConfig, parseConfig } from './load.ts';
