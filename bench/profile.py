"""Prints where the server's CPU went, from `perf script` output of bench/profile.sh (on-CPU samples of the server
process with call stacks; JIT-compiled .NET frames named through the runtime's perf map, DOTNET_PerfMapEnabled=1).

Prints the CPU by area (the innermost frame that names one decides), the top frames by own (self) time, and the top
Livechat.Server / EF Core / ADO.NET frames by inclusive time.

    perf script -i perf.data | python3 bench/profile.py [TOP]
"""
import collections, re, sys

top = int(sys.argv[1]) if len(sys.argv) > 1 else 25

AREAS = [(name, re.compile(rx)) for name, rx in [
    ("SQLite engine (native)", r"libe_sqlite3|sqlite3[A-Z_a-z]*\b.*\(.*e_sqlite"),
    ("Microsoft.Data.Sqlite / SQLitePCL (ADO.NET)", r"Microsoft\.Data\.Sqlite|SQLitePCL"),
    ("Npgsql (PostgreSQL protocol)", r"Npgsql"),
    ("EF Core: SaveChanges, change tracking, update pipeline",
     r"Microsoft\.EntityFrameworkCore\.(ChangeTracking|Update|Internal\.InternalDbSet)|StateManager|InternalEntityEntry|InternalEntryBase|SaveChanges"),
    ("EF Core: queries (compile, parameters, shaping)", r"Microsoft\.EntityFrameworkCore\.(Query|Storage)|RelationalCommand|QueryCompiler|Shaper"),
    ("EF Core: other", r"Microsoft\.EntityFrameworkCore"),
    ("Livechat.Server: change capture, audit, outbox (Events/)", r"Livechat\.Server\.Events"),
    ("Livechat.Server: other code", r"Livechat\.Server"),
    ("System.Text.Json", r"System\.Text\.Json"),
    ("Kestrel / ASP.NET Core pipeline", r"Microsoft\.AspNetCore|Microsoft\.Extensions"),
    ("runtime: GC", r"(?i)\bgc_heap|WKS::|SVR::|GCHeap|gc\.cpp|memset|memcpy.*libcoreclr|Alloc"),
    ("runtime: JIT / type loading", r"libclrjit|MethodDesc|ClassLoader|JIT_"),
    ("kernel (sockets, futex, files)", r"\[kernel\.kallsyms\]|\(\[kernel"),
]]

threads = collections.Counter()
own = collections.Counter()
inclusive = collections.Counter()
areas = collections.Counter()
samples = 0


def name_of(frame):
    # "\t    7f12345 Namespace.Type::Method(args)[Optimized] (/tmp/perf-123.map)" -> symbol (dso)
    parts = frame.strip().split(" ", 1)
    text = parts[1] if len(parts) > 1 else parts[0]
    m = re.match(r"(.*) \(([^()]*)\)$", text)
    symbol, dso = (m.group(1), m.group(2)) if m else (text, "")
    if symbol in ("[unknown]", ""):
        symbol = f"[unknown in {dso.rsplit('/', 1)[-1]}]"
    dso = dso.rsplit("/", 1)[-1]
    return symbol, dso


def method(symbol):
    """A frame's method without its offset, return type, assembly and arguments: Namespace.Type::Method."""
    symbol = re.sub(r"\+0x[0-9a-f]+$", "", symbol)
    symbol = re.sub(r"\[(Optimized|OptimizedTier1|OptimizedTier1OSR|Tier1|Tier0|QuickJitted|PreJIT|Instrumented[^]]*)\]", "", symbol)
    symbol = re.sub(r"\((?:[^()]|\([^()]*\))*\)$", "", symbol.strip())
    m = re.search(r"\] ([^\[\] ]+::[^ ]+)$", symbol)
    return m.group(1) if m else symbol


def account(stack, thread):
    global samples
    if not stack:
        return
    samples += 1
    threads[thread] += 1
    frames = [name_of(f) for f in stack]  # leaf first
    symbol, dso = frames[0]
    own[f"{symbol}  ({dso})"] += 1
    for s in {method(s) for s, _ in frames}:
        inclusive[s] += 1
    for name, rx in AREAS:
        if any(rx.search(f"{s} ({d})") for s, d in frames):
            areas[name] += 1
            break
    else:
        areas["other (runtime, thread pool, libc, unresolved)"] += 1


stack, thread = [], ""
for line in sys.stdin:
    if not line.strip():
        account(stack, thread)
        stack = []
    elif line[0] in " \t":
        stack.append(line.rstrip("\n"))
    else:
        account(stack, thread)  # a header line ("comm tid time: …") starts the next sample
        stack, thread = [], re.split(r"\s+\d+\s", line.strip())[0]
account(stack, thread)


def short(name, width=130):
    symbol, _, dso = name.partition("  (")  # "symbol  (dso)" from the own-time table
    symbol = re.sub(r"\[(Optimized|OptimizedTier1|OptimizedTier1OSR|Tier1|Tier0|QuickJitted|PreJIT|Instrumented[^]]*)\]", "", symbol)
    symbol = re.sub(r"\((?:[^()]|\([^()]*\))*\)", "()", symbol)
    symbol = symbol if len(symbol) <= width else symbol[:width] + "…"
    return f"{symbol}  ({dso}" if dso else symbol


if samples == 0:
    sys.exit("no samples")
print(f"{samples} on-CPU samples of the server process; by thread: "
      + ", ".join(f"{name} {100 * n / samples:.0f} %" for name, n in threads.most_common(5)) + "\n")
print("CPU by area (a sample goes to the first area, in this order, that any of its frames names):")
for name, n in sorted(areas.items(), key=lambda a: -a[1]):
    print(f"  {100 * n / samples:5.1f} %  {name}")
print(f"\nTop {top} frames by own time:")
for name, n in own.most_common(top):
    print(f"  {100 * n / samples:5.1f} %  {short(name)}")
print(f"\nTop {top} Livechat.Server / EF Core / ADO.NET methods by inclusive time (async state machines: MoveNext of <Method>d__N):")
shown = 0
for name, n in inclusive.most_common():
    if re.search(r"^(Livechat\.Server|Microsoft\.EntityFrameworkCore|Npgsql|Microsoft\.Data\.Sqlite)", name) and "Program" not in name:
        print(f"  {100 * n / samples:5.1f} %  {short(name)}")
        shown += 1
        if shown == top:
            break
