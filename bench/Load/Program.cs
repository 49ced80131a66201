// The benchmark's load generator for what wrk cannot drive: chained requests (register a visitor, then open the room)
// and simultaneous bursts into one room. Prints one line "BENCH {json}" like bench/lua/common.lua, for bench/report.py.
//
//   Livechat.Load pairs    --url U [--connections 32] [--duration 15]
//   Livechat.Load messages --url U [--connections 32] [--duration 15]
//   Livechat.Load burst    --url U --rooms R --messages M [--spread] [--agent agent-1] [--password agent-pass]
//
// An answer counts as an error unless it is 2xx and its body does not say "success":false.
using System.Diagnostics;
using System.Text.Json.Nodes;
using Livechat.Load;

var options = Options.Parse(args);
using var handler = new SocketsHttpHandler
{
    MaxConnectionsPerServer = int.MaxValue,
    UseCookies = false,
    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
};
// 10 s, as wrk's --timeout in bench/run.sh: a request without an answer by then counts as an error ("no answer in 10 s").
using var http = new HttpClient(handler) { BaseAddress = new Uri(options.Url), Timeout = TimeSpan.FromSeconds(10) };
// Setting up (visitors, rooms, the agent's login, reading back) is not measured and may wait longer on a busy server.
using var setupHttp = new HttpClient(handler, disposeHandler: false) { BaseAddress = new Uri(options.Url), Timeout = TimeSpan.FromMinutes(2) };
var api = new Api(http, new Api(setupHttp));

var result = options.Mode switch
{
    "pairs" => await Scenarios.PairsAsync(api, options),
    "messages" => await Scenarios.MessagesAsync(api, options),
    "burst" => await Scenarios.BurstAsync(api, options),
    _ => throw new ArgumentException($"unknown mode {options.Mode}"),
};
Console.WriteLine("BENCH " + result.ToJsonString());

namespace Livechat.Load
{
    sealed record Options(string Mode, string Url, int Connections, int Duration, int Rooms, int Messages, bool Spread, string Agent, string Password)
    {
        public static Options Parse(string[] args)
        {
            string Value(string name, string fallback)
            {
                var i = Array.IndexOf(args, name);
                return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
            }
            int Number(string name, int fallback) => int.Parse(Value(name, fallback.ToString(Inv)), Inv);
            return new Options(args.Length > 0 ? args[0] : "", Value("--url", "http://127.0.0.1:3100"), Number("--connections", 32),
                Number("--duration", 15), Number("--rooms", 50), Number("--messages", 20), args.Contains("--spread"),
                Value("--agent", "agent-1"), Value("--password", "agent-pass"));
        }

        static readonly IFormatProvider Inv = System.Globalization.CultureInfo.InvariantCulture;
    }

    /// <summary>One answer: whether it counts as a success, its body, its latency and, for a failure, "status error".</summary>
    sealed record Answer(bool Ok, JsonNode? Body, double Ms, string? Failure);

    /// <summary>The few calls the scenarios make, on the wire format of spec/livechat-endpoints.md.</summary>
    sealed class Api(HttpClient http, Api? setup = null)
    {
        /// <summary>The same calls with the setup's longer timeout.</summary>
        public Api Setup => setup ?? this;

        public async Task<Answer> SendAsync(HttpMethod method, string path, JsonNode? body = null, (string Id, string Token)? auth = null)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null) request.Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
            if (auth is { } a)
            {
                request.Headers.Add("X-User-Id", a.Id);
                request.Headers.Add("X-Auth-Token", a.Token);
            }
            var clock = Stopwatch.StartNew();
            try
            {
                using var response = await http.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                var ms = clock.Elapsed.TotalMilliseconds;
                JsonNode? json = null;
                try { json = JsonNode.Parse(text); } catch (System.Text.Json.JsonException) { }
                var refused = json?["success"]?.GetValueKind() == System.Text.Json.JsonValueKind.False;
                var ok = response.IsSuccessStatusCode && !refused;
                return new Answer(ok, json, ms, ok ? null : $"{(int)response.StatusCode} {json?["errorType"] ?? json?["error"] ?? text[..Math.Min(60, text.Length)]}");
            }
            catch (TaskCanceledException)
            {
                return new Answer(false, null, clock.Elapsed.TotalMilliseconds, $"no answer in {http.Timeout.TotalSeconds:F0} s");
            }
            catch (HttpRequestException e)
            {
                return new Answer(false, null, clock.Elapsed.TotalMilliseconds, e.HttpRequestError.ToString());
            }
        }

        public Task<Answer> RegisterAsync(string token) => SendAsync(HttpMethod.Post, "/api/v1/livechat/visitor",
            new JsonObject { ["visitor"] = new JsonObject { ["token"] = token, ["name"] = "Bench " + token[^6..] } });

        public Task<Answer> OpenRoomAsync(string token, string? agentId = null) => SendAsync(HttpMethod.Get,
            $"/api/v1/livechat/room?token={token}" + (agentId is null ? "" : $"&agentId={agentId}"));

        public Task<Answer> VisitorMessageAsync(string token, string rid, string msg) => SendAsync(HttpMethod.Post, "/api/v1/livechat/message",
            new JsonObject { ["token"] = token, ["rid"] = rid, ["msg"] = msg });

        public Task<Answer> AgentMessageAsync((string, string) auth, string rid, string msg) => SendAsync(HttpMethod.Post, "/api/v1/chat.sendMessage",
            new JsonObject { ["message"] = new JsonObject { ["rid"] = rid, ["msg"] = msg } }, auth);

        /// <summary>A new visitor with an open room (served by <paramref name="agentId"/> when given and available).</summary>
        /// <remarks>Set-up, one at a time: a failure is retried twice (both calls are idempotent for one token), then fatal.</remarks>
        public async Task<(string Token, string Rid, string? ServedBy)> NewRoomAsync(string? agentId = null)
        {
            var token = "bench-" + Guid.NewGuid().ToString("N");
            for (var attempt = 1; ; attempt++)
            {
                var registered = await RegisterAsync(token);
                var room = registered.Ok ? await OpenRoomAsync(token, agentId) : registered;
                if (room.Ok) return (token, (string)room.Body!["room"]!["_id"]!, (string?)room.Body["room"]!["servedBy"]?["_id"]);
                await Console.Error.WriteLineAsync($"setting up a room failed (attempt {attempt}): {room.Failure}");
                if (attempt == 3) throw new InvalidOperationException("setting up a room failed: " + room.Failure);
            }
        }

        public async Task<(string Id, string Token)> LoginAsync(string user, string password)
        {
            var login = await SendAsync(HttpMethod.Post, "/api/v1/login", new JsonObject { ["user"] = user, ["password"] = password });
            if (!login.Ok) throw new InvalidOperationException($"login of {user} failed: {login.Failure}");
            return ((string)login.Body!["data"]!["userId"]!, (string)login.Body["data"]!["authToken"]!);
        }

        /// <summary>Opens <paramref name="count"/> connections at once, so a burst that follows finds them idle in the pool.</summary>
        public async Task WarmConnectionsAsync(int count)
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var calls = Enumerable.Range(0, count).Select(async _ => { await gate.Task; await SendAsync(HttpMethod.Get, "/api/info"); }).ToList();
            gate.SetResult();
            await Task.WhenAll(calls);
        }
    }

    /// <summary>Latencies and failures of one scenario, summed into the BENCH line.</summary>
    sealed class Tally
    {
        readonly List<double> _latencies = [];
        readonly Dictionary<string, int> _failures = [];

        public int Count { get; private set; }
        public int Errors { get; private set; }

        public void Add(double ms, string? failure)
        {
            lock (_latencies)
            {
                Count++;
                _latencies.Add(ms);
                if (failure is null) return;
                Errors++;
                _failures[failure] = _failures.GetValueOrDefault(failure) + 1;
            }
        }

        public JsonObject ToJson(double seconds)
        {
            _latencies.Sort();
            double Percentile(double p) => _latencies.Count == 0 ? 0 : _latencies[Math.Min(_latencies.Count - 1, (int)Math.Ceiling(p / 100 * _latencies.Count) - 1)];
            return new JsonObject
            {
                ["requests"] = Count,
                ["seconds"] = Math.Round(seconds, 3),
                ["rps"] = Math.Round(Count / seconds, 1),
                ["p50_ms"] = Math.Round(Percentile(50), 3),
                ["p99_ms"] = Math.Round(Percentile(99), 3),
                ["errors"] = Errors,
                ["failures"] = new JsonObject(_failures.OrderByDescending(f => f.Value).Select(f => KeyValuePair.Create(f.Key, (JsonNode?)f.Value))),
            };
        }
    }

    static class Scenarios
    {
        /// <summary>Runs <paramref name="work"/> on each of c workers until the duration is over; counts what it tallies.</summary>
        static async Task<double> TimedAsync(Options options, Func<int, Stopwatch, Task> work)
        {
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, options.Connections).Select(w => Task.Run(() => work(w, clock))));
            return clock.Elapsed.TotalSeconds;
        }

        /// <summary>Visitor registration and room opening, chained: one pair is one unit, its latency the pair's.</summary>
        public static async Task<JsonObject> PairsAsync(Api api, Options options)
        {
            var tally = new Tally();
            var seconds = await TimedAsync(options, async (_, clock) =>
            {
                while (clock.Elapsed.TotalSeconds < options.Duration)
                {
                    var token = "bench-" + Guid.NewGuid().ToString("N");
                    var registered = await api.RegisterAsync(token);
                    var room = registered.Ok ? await api.OpenRoomAsync(token) : null;
                    tally.Add(registered.Ms + (room?.Ms ?? 0), registered.Failure ?? room!.Failure);
                }
            });
            return tally.ToJson(seconds);
        }

        /// <summary>Each worker a visitor with an open room, sending visitor messages back to back.</summary>
        public static async Task<JsonObject> MessagesAsync(Api api, Options options)
        {
            var rooms = new List<(string Token, string Rid, string? ServedBy)>();
            foreach (var _ in Enumerable.Range(0, options.Connections)) rooms.Add(await api.Setup.NewRoomAsync());
            var tally = new Tally();
            var seconds = await TimedAsync(options, async (w, clock) =>
            {
                var (token, rid, _) = rooms[w];
                for (var n = 0; clock.Elapsed.TotalSeconds < options.Duration; n++)
                {
                    var sent = await api.VisitorMessageAsync(token, rid, $"bench message {n}");
                    tally.Add(sent.Ms, sent.Failure);
                }
            });
            return tally.ToJson(seconds);
        }

        /// <summary>
        /// R rooms served by the agent; then M messages at the same instant, alternately from the visitor and the agent:
        /// into each room in turn (R bursts), or with --spread once over all R rooms at random. Reads back what each
        /// room stored (the visitor's history) and counted (<c>msgs</c>).
        /// </summary>
        public static async Task<JsonObject> BurstAsync(Api api, Options options)
        {
            var agent = await api.Setup.LoginAsync(options.Agent, options.Password);
            var rooms = new List<(string Token, string Rid, string? ServedBy)>();
            foreach (var _ in Enumerable.Range(0, options.Rooms)) rooms.Add(await api.Setup.NewRoomAsync(agent.Id));
            var notServed = rooms.Count(r => r.ServedBy != agent.Id);
            if (notServed > 0) throw new InvalidOperationException($"{notServed} rooms are not served by {options.Agent}");

            var tally = new Tally();
            var random = new Random(16);
            var bursts = options.Spread ? [Enumerable.Range(0, options.Messages).Select(_ => random.Next(rooms.Count)).ToArray()]
                : rooms.Select((_, r) => Enumerable.Repeat(r, options.Messages).ToArray()).ToList();
            var clock = Stopwatch.StartNew();
            foreach (var targets in bursts)
            {
                var burstClock = Stopwatch.StartNew();
                await api.WarmConnectionsAsync(targets.Length);
                var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var sends = targets.Select(async (r, i) =>
                {
                    await gate.Task;
                    var (token, rid, _) = rooms[r];
                    var sent = i % 2 == 0 ? await api.VisitorMessageAsync(token, rid, $"burst visitor {i}")
                        : await api.AgentMessageAsync(agent, rid, $"burst agent {i}");
                    tally.Add(sent.Ms, sent.Failure);
                }).ToList();
                gate.SetResult();
                await Task.WhenAll(sends);
                if (burstClock.Elapsed.TotalSeconds > 2) await Console.Error.WriteLineAsync($"a burst took {burstClock.Elapsed.TotalSeconds:F1} s");
            }
            var seconds = clock.Elapsed.TotalSeconds;

            var (stored, counted) = (0, 0);
            foreach (var (token, rid, _) in rooms)
            {
                var history = await api.Setup.SendAsync(HttpMethod.Get, $"/api/v1/livechat/messages.history/{rid}?token={token}&limit=1000");
                stored += history.Body?["messages"]?.AsArray().Count(m => ((string?)m?["msg"])?.StartsWith("burst ", StringComparison.Ordinal) == true) ?? 0;
                var info = await api.Setup.SendAsync(HttpMethod.Get, $"/api/v1/rooms.info?roomId={rid}", auth: agent);
                counted += (int?)info.Body?["room"]?["msgs"] ?? 0;
            }
            var json = tally.ToJson(seconds);
            json["rooms"] = rooms.Count;
            json["bursts"] = bursts.Count;
            json["sent"] = tally.Count;
            json["answered"] = tally.Count - tally.Errors;
            json["stored"] = stored;
            json["counted"] = counted;
            return json;
        }
    }
}
