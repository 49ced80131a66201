"""Turns the wrk and bench/Load results into markdown tables, prints them, and records them in bench/RESULTS.md and
bench/results.json."""
import datetime, json, os, re, sys

results_file, provider, rooms, seed_seconds, connections, duration = sys.argv[1:7]
load_start = sys.argv[7] if len(sys.argv) > 7 else None
rows = [json.loads(line) for line in open(results_file)]
# bursts (simultaneous messages) report what was answered and stored, not a rate
bursts = [r for r in rows if "sent" in r["result"]]
rows = [r for r in rows if "sent" not in r["result"]]
ceiling = next(r for r in rows if r["name"] == "ceiling")["result"]["rps"]
when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
key = f"{provider}, {int(rooms):,} rooms"

lines = [f"### {key}", "",
         f"{when}; seeded in {seed_seconds} s; wrk, {connections} connections, {duration} s per endpoint; "
         f"{os.cpu_count()} cores, load average "
         + (f"{float(load_start):.1f} when measuring began, " if load_start else "")
         + f"{os.getloadavg()[0]:.1f} at the end.", "",
         "| endpoint | requests/s | p50 ms | p99 ms | errors | ratio to ceiling | server RSS MB |",
         "|---|---:|---:|---:|---:|---:|---:|"]
for r in rows:
    x = r["result"]
    lines.append(f"| {r['name']} | {x['rps']:.0f} | {x['p50_ms']:.2f} | {x['p99_ms']:.2f} | {x['errors']} | "
                 f"{x['rps'] / ceiling:.2f} | {r['rss_mb']} |")
if bursts:
    lines += ["", "Simultaneous messages, half from the visitor (`livechat/message`), half from the serving agent "
              "(`chat.sendMessage`); stored = the rooms' histories, counted = the sum of their `msgs`:", "",
              "| burst | sent | answered 200 | refused | stored | counted | p50 ms | p99 ms | refusals |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in bursts:
        x = r["result"]
        refusals = ", ".join(f"{n} × {k}" for k, n in x.get("failures", {}).items()) or "none"
        lines.append(f"| {r['name']} | {x['sent']} | {x['answered']} | {x['errors']} | {x['stored']} | {x['counted']} | "
                     f"{x['p50_ms']:.2f} | {x['p99_ms']:.2f} | {refusals} |")
table = "\n".join(lines) + "\n"
print(table)

here = os.path.dirname(os.path.abspath(__file__))
md_path = os.path.join(here, "RESULTS.md")
md = open(md_path).read() if os.path.exists(md_path) else "# Benchmark results\n\nWritten by `bench/run.sh`; the latest run of each configuration replaces its section.\n\n"
# This configuration's section is replaced where it is (up to the next heading); any other text stays as it was.
own = re.compile(rf"(?ms)^### {re.escape(key)}\n.*?(?=^#{{1,3}} |\Z)")
md = own.sub(lambda _: table + "\n", md, count=1) if own.search(md) else md.rstrip("\n") + "\n\n" + table + "\n"
open(md_path, "w").write(md)

json_path = os.path.join(here, "results.json")
data = json.load(open(json_path)) if os.path.exists(json_path) else {}
data[key] = {"when": when, "seed_seconds": float(seed_seconds), "connections": int(connections), "duration": int(duration),
             "load_average_start": float(load_start) if load_start else None, "load_average_end": round(os.getloadavg()[0], 2),
            "endpoints": {r["name"]: {**r["result"], "rss_mb": r["rss_mb"], "ratio": round(r["result"]["rps"] / ceiling, 3)} for r in rows},
            "bursts": {r["name"]: r["result"] for r in bursts}}
json.dump(data, open(json_path, "w"), indent=2)
