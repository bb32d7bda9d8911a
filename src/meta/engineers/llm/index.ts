/**
 * The `llm` engineer: a real backbone writes harness modules through `write_module` / `remove_module`
 * tool calls (or fenced code blocks where a server has no tool use), from the versioned prompt beside
 * this file.
 */
export {
  createLlmEngineer,
  LLM_ENGINEER_DEFAULT_CORRECTION_TURNS,
  LLM_ENGINEER_DEFAULT_MAX_FILE_CHARS,
  LLM_ENGINEER_DEFAULT_MAX_FILES,
  LLM_ENGINEER_DEFAULT_MAX_TOKENS,
  type EngineerFailure,
  type LlmEngineer,
  type LlmEngineerOptions,
} from './llm-engineer.ts';
export {
  ENGINEER_TOOLS,
  MODULE_FILE_PATTERN,
  parseFencedText,
  parseReply,
  REMOVE_MODULE_TOOL,
  WRITE_MODULE_TOOL,
  type CallOutcome,
  type ModuleEdit,
  type ParsedReply,
} from './parse.ts';
export { LLM_PROMPT_VERSION, loadPromptTemplate, renderSystem, renderUser, type OutputMode, type PromptTemplate } from './prompt.ts';
