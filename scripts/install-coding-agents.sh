# Source or run this file: it installs the coding-agent SDKs that bridle's claude-code/ and codex/
# engineers use (optional peer dependencies, about 800 MB together with the Claude Code and Codex
# binaries they ship) into a cache folder outside the repository, once, and exports
# BRIDLE_CODING_AGENTS_HOME for the tests that drive them against local servers. `npm ci` never installs
# them, so a clone stays small; tests that need them are skipped with a line saying so when they are absent.
# The binaries are platform packages inside the npm registry: no install script runs, nothing is downloaded
# from elsewhere.
bridle_agents_home="${BRIDLE_CODING_AGENTS_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/bridle/coding-agents}"
bridle_agents_packages="@anthropic-ai/claude-agent-sdk@0.3.332 @openai/codex-sdk@0.163.0"
if [ ! -f "$bridle_agents_home/installed" ] || [ "$(cat "$bridle_agents_home/installed")" != "$bridle_agents_packages" ]; then
  echo "bridle: installing the coding-agent SDKs into $bridle_agents_home: $bridle_agents_packages" >&2
  mkdir -p "$bridle_agents_home"
  echo '{"private":true}' > "$bridle_agents_home/package.json"
  # shellcheck disable=SC2086
  if npm install --prefix "$bridle_agents_home" --no-save --no-package-lock --no-audit --no-fund $bridle_agents_packages >&2; then
    echo "$bridle_agents_packages" > "$bridle_agents_home/installed"
  else
    echo "bridle: could not install the coding-agent SDKs: their tests will be skipped" >&2
  fi
fi
export BRIDLE_CODING_AGENTS_HOME="$bridle_agents_home"
unset bridle_agents_home bridle_agents_packages
