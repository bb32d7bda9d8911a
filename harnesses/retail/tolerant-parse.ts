import { defineModule, type Action, type JsonObject, type View } from 'bridle/harness';

/** Keys that named the tool: the documented one, OpenAI's, and those seen in rejected outputs. */
const TOOL_KEYS: string[] = [
    "tool",
    "name"
  ];
/** Keys that held the arguments (an object, or an object written as a JSON string). */
const ARGUMENT_KEYS: string[] = [
    "arguments"
  ];
/** Tool names seen in failed outputs, and the tool each meant. */
const ALIASES: Record<string, string> = {
    "find_user_id_by_email_tool": "find_user_id_by_email",
    "find_user_id_by_name_zip_tool": "find_user_id_by_name_zip",
    "find_user_id_by_name_zip_v2": "find_user_id_by_name_zip",
    "functions.find_user_id_by_name_zip": "find_user_id_by_name_zip",
    "locate_user_id_by_email": "find_user_id_by_email",
    "locate_user_id_by_name_zip": "find_user_id_by_name_zip",
    "modify_pending_order_item": "modify_pending_order_items",
    "search_user_id_by_name_zip": "find_user_id_by_name_zip"
  };

function nameKey(text: string): string {
  return text.trim().replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[\s.-]+/g, '_').toLowerCase();
}

function resolveTool(name: string, args: JsonObject, view: View): string | undefined {
  if (view.tools.some((tool) => tool.name === name)) return name;
  const alias = ALIASES[name];
  if (alias !== undefined && view.tools.some((tool) => tool.name === alias)) return alias;
  const last = name.split(/[.:/]/).pop() ?? name;
  const plain = view.tools.find((tool) => nameKey(tool.name) === nameKey(name)) ?? view.tools.find((tool) => nameKey(tool.name) === nameKey(last));
  if (plain) return plain.name;
  const words = (text: string) => nameKey(text).split('_').filter((word) => word !== '');
  const wanted = words(name);
  const scored = view.tools
    .filter((tool) => {
      const properties = Object.keys(tool.parameters.properties);
      const keys = Object.keys(args).map((key) => properties.find((property) => nameKey(property) === nameKey(key)) ?? key);
      return keys.every((key) => properties.includes(key)) && tool.parameters.required.every((key) => keys.includes(key));
    })
    .map((tool) => ({ name: tool.name, shared: words(tool.name).filter((word) => wanted.includes(word)).length }))
    .sort((a, b) => b.shared - a.shared);
  const best = scored[0];
  const second = scored[1];
  if (!best || best.shared === 0 || (second !== undefined && second.shared === best.shared)) return undefined;
  return best.name;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function looseJson(text: string): unknown {
  const noCommas = text.replace(/,\s*([}\]])/g, '$1');
  // Single quotes become double quotes only where they open or close a string, not inside words.
  const doubled = noCommas.replace(/(^|[{[,:]\s*)'|'(?=\s*[:,}\]]|\s*$)/g, (_match: string, before: string | undefined) => (before ?? '') + '"');
  const attempts = [text, noCommas, doubled, noCommas.replace(/'/g, '"'), noCommas.replace(/([{,]\s*)([A-Za-z_][A-Za-z0-9_]*)\s*:/g, '$1"$2":')];
  for (const attempt of attempts) {
    try {
      const value: unknown = JSON.parse(attempt);
      if (typeof value === 'string' && /^\s*[[{]/.test(value)) return looseJson(value);
      return value;
    } catch {
      // try the next repair
    }
  }
  return undefined;
}

function firstBlock(text: string): string | undefined {
  const start = text.search(/[[{]/);
  if (start < 0) return undefined;
  let depth = 0;
  let quote = '';
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (quote) {
      if (char === '\\') index++;
      else if (char === quote) quote = '';
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') {
      depth--;
      if (depth === 0) return text.slice(start, index + 1);
    }
  }
  return undefined;
}

function toAction(tool: string, args: JsonObject): Action | undefined {
  if (tool !== 'finish') return { kind: 'call', tool, arguments: args };
  return typeof args.message === 'string' ? { kind: 'finish', message: args.message } : undefined;
}

function fromObject(value: unknown, view: View): Action | undefined {
  // The outermost object that names a tool is the call; wrappers around it are looked through.
  const queue: unknown[] = [value];
  for (let seen = 0; queue.length > 0 && seen < 50; seen++) {
    const item = queue.shift();
    if (Array.isArray(item)) {
      queue.push(...item);
      continue;
    }
    if (!isObject(item)) continue;
    const toolKey = TOOL_KEYS.find((key) => typeof item[key] === 'string');
    if (toolKey) {
      const argumentsKey = ARGUMENT_KEYS.find((key) => isObject(item[key]) || (typeof item[key] === 'string' && isObject(looseJson(item[key] as string))));
      const raw = argumentsKey === undefined ? {} : item[argumentsKey];
      const args = typeof raw === 'string' ? looseJson(raw) : raw;
      const named = item[toolKey] as string;
      const tool = resolveTool(named, isObject(args) ? args : {}, view) ?? named;
      if (isObject(args)) return toAction(tool, args);
    }
    queue.push(...Object.values(item));
  }
  return undefined;
}

function fromCallSyntax(text: string, view: View): Action | undefined {
  const match = /([A-Za-z_][\w.-]*)\s*\(([\s\S]*)\)\s*$/.exec(text.trim());
  if (!match) return undefined;
  const body = (match[2] ?? '').trim();
  const args = body === '' ? {} : looseJson('{' + body.replace(/(^|,\s*)([A-Za-z_]\w*)\s*=/g, '$1"$2":') + '}');
  if (!isObject(args)) return undefined;
  const tool = resolveTool(match[1] ?? '', args, view);
  return tool ? toAction(tool, args) : undefined;
}

export default defineModule({
    name: "tolerant-parse",
    why: "Outputs that held a valid action in another format (prose, fences, loose JSON, other keys, call syntax, tool-name spelling) were rejected.",
    realize(draft, view) {
      if (draft.action) {
        if (draft.action.kind !== 'call') return undefined;
        const tool = resolveTool(draft.action.tool, draft.action.arguments, view);
        return tool && tool !== draft.action.tool ? { action: { ...draft.action, tool } } : undefined;
      }
      const text = draft.raw.text.replace(/\x60\x60\x60[a-z]*\n?/gi, '').replace(/<\/?[a-z_]+>/gi, '').trim();
      const whole = looseJson(text);
      const block = whole === undefined ? firstBlock(text) : undefined;
      const action = fromObject(whole ?? (block === undefined ? undefined : looseJson(block)), view) ?? fromCallSyntax(text, view);
      return action ? { action } : undefined;
    },
  });
