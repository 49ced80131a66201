"""Turns the wrk results into a markdown table, prints it, and records it in bench/RESULTS.md and bench/results.json."""
import datetime, json, os, re, sys

results_file, provider, rooms, seed_seconds, connections, duration = sys.argv[1:7]
rows = [json.loads(line) for line in open(results_file)]
ceiling = next(r for r in rows if r["name"] == "ceiling")["result"]["rps"]
when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
key = f"{provider}, {int(rooms):,} rooms"

lines = [f"### {key}", "",
         f"{when}; seeded in {seed_seconds} s; wrk, {connections} connections, {duration} s per endpoint; "
         f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end.", "",
         "| endpoint | requests/s | p50 ms | p99 ms | errors | ratio to ceiling | server RSS MB |",
         "|---|---:|---:|---:|---:|---:|---:|"]
for r in rows:
    x = r["result"]
    lines.append(f"| {r['name']} | {x['rps']:.0f} | {x['p50_ms']:.2f} | {x['p99_ms']:.2f} | {x['errors']} | "
                 f"{x['rps'] / ceiling:.2f} | {r['rss_mb']} |")
table = "\n".join(lines) + "\n"
print(table)

here = os.path.dirname(os.path.abspath(__file__))
md_path = os.path.join(here, "RESULTS.md")
md = open(md_path).read() if os.path.exists(md_path) else "# Benchmark results\n\nWritten by `bench/run.sh`; the latest run of each configuration replaces its section.\n\n"
sections = re.split(r"(?m)^(?=### )", md)
head, sections = sections[0], [s for s in sections[1:] if not s.startswith(f"### {key}\n")]
sections.append(table + "\n")
sections.sort(key=lambda s: s.splitlines()[0])
open(md_path, "w").write(head + "".join(sections))

json_path = os.path.join(here, "results.json")
data = json.load(open(json_path)) if os.path.exists(json_path) else {}
data[key] = {"when": when, "seed_seconds": float(seed_seconds), "connections": int(connections), "duration": int(duration),
             "endpoints": {r["name"]: {**r["result"], "rss_mb": r["rss_mb"], "ratio": round(r["result"]["rps"] / ceiling, 3)} for r in rows}}
json.dump(data, open(json_path, "w"), indent=2)
