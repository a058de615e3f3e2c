"""Load bench preparation (standard library only): seeds USERS users (user<i>@example.com,
externalId ext-<i>) through POST /Bulk, 500 operations a request (each operation is the server's
ordinary create), checks the count, writes a sample of user ids and creates the groups the stream
patches. Usage: prepare.py BASE_URL TOKEN USERS OUTDIR"""
import json
import sys
import time
import urllib.request

base, token, users, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
headers = {"Authorization": "Bearer " + token, "Content-Type": "application/scim+json"}


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data, headers, method=method)
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.load(response)


started = time.monotonic()
BATCH = 500
for first in range(0, users, BATCH):
    operations = [{"method": "POST", "path": "/Users", "bulkId": f"u{i}", "data": {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": f"user{i}@example.com", "externalId": f"ext-{i}",
        "name": {"givenName": f"Given{i}", "familyName": "Load"},
        "emails": [{"value": f"user{i}@example.com", "type": "work", "primary": True}],
        "active": True}} for i in range(first, min(first + BATCH, users))]
    reply = call("POST", "/Bulk", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
                                   "Operations": operations})
    failed = [r for r in reply["Operations"] if not str(r.get("status", "")).startswith("2")]
    if failed:
        sys.exit(f"bulk create failed: {failed[:3]}")
print(f"seeded {users} users through POST /Bulk in {time.monotonic() - started:.0f} s")
total = call("GET", "/Users?count=0")["totalResults"]
if total < users:
    sys.exit(f"only {total} users were seeded, {users} expected")
ids = []
for start in (1, 1001):
    page = call("GET", f"/Users?startIndex={start}&count=1000&attributes=id")
    ids += [r["id"] for r in page["Resources"]]
with open(f"{out}/user_ids.txt", "w") as f:
    f.write("\n".join(ids) + "\n")
groups = []
for g in range(10):
    group = call("POST", "/Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                                     "displayName": f"Load group {g}"})
    groups.append(group["id"])
with open(f"{out}/group_ids.txt", "w") as f:
    f.write("\n".join(groups) + "\n")
print(f"{total} users; {len(ids)} user ids and {len(groups)} groups for the stream")
