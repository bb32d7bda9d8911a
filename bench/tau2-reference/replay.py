"""Run call sequences through tau2-bench's own Python tools (the reference for bridle's tau2 tools).

usage: python3 replay.py <tau2-bench checkout> <domain folder> <domain> <sequences.json> <out.json>
Each sequence starts from a fresh copy of the database; for each call it records tau2's tool message
(the output, or "Error: ..." as the environment words it) and, at the end, every record that differs from
the initial database (pydantic's model_dump). Only pydantic is needed: the few other imports of tau2's
package that these tools never use are stubbed.

Telecom sequences run in tau2's TelecomEnvironment instead: the task's initialization actions first
(Environment.set_state), then each call through Environment.get_response on the side that has the tool,
with the orchestrator's sync after every call, then the task's env_assertions; the result is every record
of both sides at the end (model_dump in JSON mode, the agent's lists keyed by id) and each assertion's value.
"""
import importlib, json, sys, types

checkout, folder, domain, sequences_file, out_file = sys.argv[1:6]
sys.path.insert(0, f"{checkout}/src")
for name in ["loguru", "toml", "docstring_parser", "addict", "deepdiff", "dotenv"]:
    try:
        importlib.import_module(name)
    except ImportError:
        stub = types.ModuleType(name)
        stub.logger = type("Logger", (), {"__getattr__": lambda self, _: (lambda *a, **k: None)})()
        stub.parse = stub.load = stub.loads = stub.dump = stub.dumps = lambda *a, **k: None
        stub.Dict = dict
        stub.DeepDiff = dict
        stub.load_dotenv = lambda *a, **k: True
        sys.modules[name] = stub

from tau2.environment.environment import Environment  # noqa: E402


def replay_telecom():
    import tomllib

    from tau2.data_model.message import ToolCall
    from tau2.data_model.tasks import EnvAssertion, EnvFunctionCall
    from tau2.domains.telecom.data_model import TelecomDB
    from tau2.domains.telecom.environment import TelecomEnvironment
    from tau2.domains.telecom.tools import TelecomTools
    from tau2.domains.telecom.user_data_model import PerformanceLevel, TelecomUserDB, VpnDetails
    from tau2.domains.telecom.user_tools import TelecomUserTools

    db_data = tomllib.load(open(f"{folder}/db.toml", "rb"))
    user_data = tomllib.load(open(f"{folder}/user_db.toml", "rb"))
    ids = {"plans": "plan_id", "customers": "customer_id", "lines": "line_id", "bills": "bill_id", "devices": "device_id"}
    results = []
    for sequence in json.load(open(sequences_file)):
        # tau2 shares one VPN profile per process, which break_vpn degrades: start each sequence afresh.
        TelecomUserTools.default_vpn_details = VpnDetails(server_address="192.168.1.1", protocol="OpenVPN", server_performance=PerformanceLevel.EXCELLENT)
        environment = TelecomEnvironment("telecom", "", TelecomTools(TelecomDB.model_validate(db_data)), TelecomUserTools(TelecomUserDB.model_validate(user_data)))
        environment.set_state(None, [EnvFunctionCall.model_validate(call) for call in sequence["init"]], [])
        steps = []
        for call in sequence["calls"]:
            arguments = dict(call["arguments"])
            # An LLM's number reaches tau2's float parameter as a float when it is written as one (2.0).
            if isinstance(arguments.get("gb_amount"), int) and not isinstance(arguments.get("gb_amount"), bool):
                arguments["gb_amount"] = float(arguments["gb_amount"])
            requestor = "user" if environment.user_tools.has_tool(call["name"]) else "assistant"
            message = environment.get_response(ToolCall(id="0", name=call["name"], arguments=arguments, requestor=requestor))
            environment.sync_tools()
            steps.append({"ok": not message.error, "output": message.content})
        assertions = []
        for assertion in sequence["assertions"]:
            try:
                assertions.append(environment.run_env_assertion(EnvAssertion.model_validate(assertion), raise_assertion_error=False))
            except Exception as error:  # tau2's evaluator would stop here; bridle scores such an assertion unmet
                assertions.append(f"error: {error}")
        db = environment.tools.db.model_dump(mode="json")
        user = environment.user_tools.db.model_dump(mode="json")
        results.append({
            "id": sequence["id"],
            "steps": steps,
            "assertions": assertions,
            "db": {table: {record[ids[table]]: record for record in records} for table, records in db.items()},
            "user": {"device": {"main": user["device"]}, "surroundings": {"main": user["surroundings"]}},
        })
    json.dump(results, open(out_file, "w"))


if domain == "telecom":
    replay_telecom()
    sys.exit(0)

if domain == "retail":
    from tau2.domains.retail.data_model import RetailDB as DB
    from tau2.domains.retail.tools import RetailTools as Tools
else:
    from tau2.domains.airline.data_model import FlightDB as DB
    from tau2.domains.airline.tools import AirlineTools as Tools

base = DB.model_validate(json.load(open(f"{folder}/db.json")))
base_dump = base.model_dump()
results = []
for sequence in json.load(open(sequences_file)):
    tools = Tools(base.model_copy(deep=True))
    steps = []
    for call in sequence["calls"]:
        try:
            response, ok = tools.use_tool(call["name"], **call["arguments"]), True
        except Exception as error:  # tau2's Environment.get_response words every failure this way
            response, ok = f"Error: {error}", False
        steps.append({"ok": ok, "output": Environment.to_json_str(response)})
    changed = {}
    for table, records in tools.db.model_dump().items():
        for key, record in records.items():
            if json.dumps(base_dump[table].get(key), sort_keys=True) != json.dumps(record, sort_keys=True):
                changed.setdefault(table, {})[key] = record
    results.append({"id": sequence["id"], "steps": steps, "changed": changed})
json.dump(results, open(out_file, "w"))
