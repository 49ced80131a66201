"""Logs in as the admin and writes the sample data the wrk scripts use (rooms, visitors, tags, priorities) as Lua."""
import json, os, random, sys, urllib.request

base, out = sys.argv[1], sys.argv[2]

def call(path, body=None, headers=None):
    request = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request) as response:
        return json.load(response)

login = call("/api/v1/login", {"user": os.environ.get("ADMIN_USERNAME", "admin"), "password": os.environ["ADMIN_PASS"]})["data"]
auth = {"X-User-Id": login["userId"], "X-Auth-Token": login["authToken"]}
total = call("/api/v1/livechat/rooms?count=1", headers=auth)["total"]
rooms = []
for _ in range(20):
    offset = random.randrange(max(1, total - 100))
    page = call(f"/api/v1/livechat/rooms?count=100&offset={offset}", headers=auth)["rooms"]
    rooms += [{"id": r["_id"], "v": r["v"]["_id"]} for r in page]
priorities = [p["_id"] for p in call("/api/v1/livechat/priorities", headers=auth)["priorities"]]
tags = [f"tag-{i}" for i in range(1, 51)]
order_ids = [f"A-{random.randrange(total)}" for _ in range(200)]

def lua(value):
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}={lua(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "{" + ",".join(lua(v) for v in value) + "}"
    return json.dumps(value)

with open(out, "w") as f:
    f.write("return " + lua({"userId": login["userId"], "token": login["authToken"], "rooms": rooms,
                             "priorities": priorities, "tags": tags, "orderIds": order_ids}) + "\n")
print(f"   sample: {len(rooms)} rooms of {total}")
