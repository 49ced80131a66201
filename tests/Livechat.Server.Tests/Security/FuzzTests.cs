using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Livechat.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Xunit.Abstractions;

namespace Livechat.Server.Tests.Security;

/// <summary>
/// Thousands of malformed requests from <see cref="FuzzCases"/> against every endpoint: never a 5xx, every refusal
/// under /api is a Rocket.Chat envelope, input no endpoint may accept is refused, and no refused request changes a
/// row (a fingerprint of the whole database, taken after each request).
/// </summary>
public abstract class FuzzTests<TFactory>(TFactory factory, ITestOutputHelper output) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task MalformedRequestsAreRefusedWithEnvelopesAndChangeNothing()
    {
        var world = await MatrixWorld.CreateAsync(factory);
        var cases = FuzzCases.Generate(world);
        var http = factory.CreateClient();
        // Failed logins are recorded by design (failed-login blocking); nothing else may change on a refusal.
        await using var fingerprint = await DatabaseFingerprint.OpenAsync(factory, "login_attempts");
        var before = await fingerprint.TakeAsync();
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var accepted = new SortedDictionary<string, int>();
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        TimeSpan requestTime = default, fingerprintTime = default;

        foreach (var fuzz in cases)
        {
            var t0 = clock.Elapsed;
            using var request = Build(fuzz, world);
            using var response = await http.SendAsync(request);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync();
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var t1 = clock.Elapsed;
            var after = await fingerprint.TakeAsync();
            requestTime += t1 - t0;
            fingerprintTime += clock.Elapsed - t1;

            if (Problem(fuzz, status, body, before != after) is { } problem)
            {
                failures.Add($"{fuzz.Endpoint} [{fuzz.Kind}] {fuzz.Method} {Shorten(fuzz.Path)} → {status} {Shorten(body)}: {problem}");
            }
            if (status < 400)
            {
                var kind = fuzz.Kind.Split(" at ")[0];
                accepted[kind] = accepted.GetValueOrDefault(kind) + 1;
            }
            before = after;
        }

        output.WriteLine($"{cases.Count} cases over {cases.Select(c => c.Endpoint).Distinct().Count()} endpoints in {clock.Elapsed.TotalSeconds:F1} s");
        output.WriteLine($"requests {requestTime.TotalSeconds:F1} s, fingerprints {fingerprintTime.TotalSeconds:F1} s, CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F1} s");
        output.WriteLine("statuses: " + string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}")));
        output.WriteLine("accepted (valid under the contract's coercion): " + string.Join(", ", accepted.Select(a => $"{a.Key}×{a.Value}")));
        Assert.True(cases.Count >= 5000, $"only {cases.Count} cases");
        if (Environment.GetEnvironmentVariable("LIVECHAT_FUZZ_REPORT") is { Length: > 0 } report)
        {
            File.WriteAllLines(report, failures);
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases failed:\n" + string.Join("\n", failures.Take(60)));
    }

    /// <summary>
    /// The realtime side: subscriptions no caller may hold (malformed, unknown or over-long event names, rooms and user
    /// streams of others, foreign or mistyped visitor tokens), from an anonymous socket, the visitor's and a
    /// not-serving agent's, each refused with a <c>nosub</c> carrying a Meteor.Error; the socket keeps answering.
    /// </summary>
    [Fact]
    public async Task MalformedDdpSubscriptionsAreRefusedWithMeteorErrors()
    {
        var world = await MatrixWorld.CreateAsync(factory);
        var (otherRoom, _, _, _) = await factory.CreateServedRoomAsync();
        var token = world.VisitorToken;
        await using var host = factory.WithWebHostBuilder(b => b.UseSetting("Realtime:MessageBurst", "100000"));
        var rid = world.RoomId;
        var stranger = world.Users[Role.AgentNotServing];
        string[] names =
        [
            "", new string('r', 201), $"{rid}/webrtc", $"{rid}/typing/extra", "/typing", $"{rid}/", "typing", $"{otherRoom.Str("_id")}",
            $"{otherRoom.Str("_id")}/typing", "__my_messages__/x", $"{world.Users[Role.AgentServing].Id}/rooms-changed",
            $"{world.Users[Role.AgentServing].Id}/notification", "\u0000", "💬/typing", "../" + rid, rid.ToUpperInvariant(),
        ];
        object?[] extras =
        [
            null, new { useCollection = false, args = Array.Empty<object>() },
            new { useCollection = false, args = new[] { new { token, visitorToken = token } } },
            new { useCollection = false, args = new object[] { new { token = 42 } } }, "token", 7,
        ];
        string[] streams = ["stream-room-messages", "stream-notify-room", "stream-livechat-room", "stream-notify-user", "stream-nope"];
        var failures = new List<string>();
        var count = 0;
        foreach (var caller in new[] { Role.Anonymous, Role.Visitor, Role.AgentNotServing })
        {
            await using var ddp = await DdpClient.ConnectAsync(host);
            if (caller == Role.AgentNotServing) await ddp.CallAsync("login", new { resume = stranger.Token });
            foreach (var stream in streams)
            {
                foreach (var name in names)
                {
                    foreach (var extra in extras)
                    {
                        // The visitor's token opens its own room's streams: no name here is one of them.
                        var answer = extra is null ? await ddp.SubscribeAsync(stream, name) : await ddp.SubscribeAsync(stream, name, extra);
                        count++;
                        var error = answer["error"] as System.Text.Json.Nodes.JsonObject;
                        if ((string?)answer["msg"] != "nosub" || error?["error"] is null || error["message"] is null
                            || (string?)error["errorType"] != "Meteor.Error")
                        {
                            failures.Add($"{caller} {stream} {Shorten(name)} {JsonSerializer.Serialize(extra)} → {answer.ToJsonString()}");
                        }
                    }
                }
            }
            await ddp.SendAsync(new { msg = "ping", id = "alive" });
            await ddp.NextAsync(m => (string?)m["msg"] == "pong" && (string?)m["id"] == "alive");
        }

        output.WriteLine($"{count} DDP subscriptions refused");
        Assert.True(failures.Count == 0, $"{failures.Count} of {count} subscriptions were not refused as they should be:\n" + string.Join("\n", failures.Take(40)));
    }

    static string? Problem(FuzzCase fuzz, int status, string body, bool changed)
    {
        if (status >= 500) return "server error";
        if (status >= 400 && fuzz.Path.StartsWith("/api", StringComparison.Ordinal) && !IsEnvelope(body)) return "not a Rocket.Chat envelope";
        if (status >= 400 && changed) return "refused, but the database changed";
        if (status >= 400 && fuzz.Echo is { } echo && body.Contains(echo, StringComparison.Ordinal)) return "the error quotes the input at length";
        if (status < 400 && fuzz.MustReject) return "accepted input that must be refused";
        return null;
    }

    static bool IsEnvelope(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("success", out var success) && success.ValueKind == JsonValueKind.False
                && (root.TryGetProperty("error", out _) || root.EnumerateObject().Count() == 1);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    static HttpRequestMessage Build(FuzzCase fuzz, MatrixWorld world)
    {
        var request = new HttpRequestMessage(fuzz.Method, fuzz.Path);
        if (fuzz.Body is not null)
        {
            var content = new ByteArrayContent(fuzz.Body());
            content.Headers.ContentType = fuzz.ContentType is null ? null : MediaTypeHeaderValue.Parse(fuzz.ContentType);
            request.Content = content;
        }
        if (fuzz.Headers is not null)
        {
            foreach (var (name, value) in fuzz.Headers) request.Headers.TryAddWithoutValidation(name, value);
        }
        else
        {
            world.Authenticate(request, fuzz.Role);
        }
        return request;
    }

    static string Shorten(string text) => text.Length > 160 ? text[..160] + "…" : text;
}

public sealed class FuzzSqliteTests(SqliteServerFactory factory, ITestOutputHelper output) : FuzzTests<SqliteServerFactory>(factory, output);

public sealed class FuzzPostgresTests(PostgresServerFactory factory, ITestOutputHelper output) : FuzzTests<PostgresServerFactory>(factory, output);
