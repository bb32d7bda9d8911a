"""Run call sequences through tau2-bench's own Python tools (the reference for bridle's tau2 tools).

usage: python3 replay.py <tau2-bench checkout> <domain folder> <domain> <sequences.json> <out.json>
Each sequence starts from a fresh copy of the database; for each call it records tau2's tool message
(the output, or "Error: ..." as the environment words it) and, at the end, every record that differs from
the initial database (pydantic's model_dump). Only pydantic is needed: the few other imports of tau2's
package that these tools never use are stubbed.
"""
import importlib, json, sys, types

checkout, folder, domain, sequences_file, out_file = sys.argv[1:6]
sys.path.insert(0, f"{checkout}/src")
for name in ["loguru", "toml", "docstring_parser", "addict", "deepdiff"]:
    try:
        importlib.import_module(name)
    except ImportError:
        stub = types.ModuleType(name)
        stub.logger = type("Logger", (), {"__getattr__": lambda self, _: (lambda *a, **k: None)})()
        stub.parse = stub.load = stub.loads = stub.dump = stub.dumps = lambda *a, **k: None
        stub.Dict = dict
        stub.DeepDiff = dict
        sys.modules[name] = stub

from tau2.environment.environment import Environment  # noqa: E402

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
