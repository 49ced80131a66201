using System.Text.Json;
using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Security;

/// <summary>
/// Drives <see cref="PermissionMatrix.Rows"/>: every cell's status and body, and a row for every endpoint the server
/// maps, so an endpoint added without a row fails here.
/// </summary>
public abstract class PermissionMatrixTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    const string Unauthorized = """{"success":false,"error":"You must be logged in to do this.","status":"error","message":"You must be logged in to do this."}""";
    const string HandlerForbidden = """{"success":false,"error":"unauthorized"}""";

    [Fact]
    public void EveryMappedEndpointHasExactlyOneRow()
    {
        var mapped = PermissionMatrix.MappedEndpoints(factory);
        var rows = PermissionMatrix.Rows.Select(r => r.Key).ToList();

        var missing = mapped.Except(rows).ToList();
        var stale = rows.Except(mapped).ToList();
        var twice = PermissionMatrix.Rows.Where(r => r.Case is null).GroupBy(r => r.Key).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

        Assert.True(missing.Count == 0, "Endpoints without a row in PermissionMatrix.Rows:\n" + string.Join("\n", missing));
        Assert.True(stale.Count == 0, "Rows for endpoints the server does not map:\n" + string.Join("\n", stale));
        Assert.True(twice.Count == 0, "Endpoints with several rows:\n" + string.Join("\n", twice));
    }

    [Fact]
    public async Task EveryCellAnswersAsTheMatrixSays()
    {
        var world = await MatrixWorld.CreateAsync(factory);
        var http = factory.CreateClient();
        var failures = new List<string>();
        var showingVisitors = new HashSet<string>();

        foreach (var row in PermissionMatrix.Rows)
        {
            Assert.Equal(8, row.Cells.Length);
            foreach (var role in Enum.GetValues<Role>())
            {
                var token = row.FreshToken ? await world.FreshTokenAsync(role) : null;
                using var request = world.Request(row, role, token);
                var sent = request.RequestUri + (request.Content is null ? "" : await request.Content.ReadAsStringAsync());
                using var response = await http.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                if (Mismatch(row.Cells[(int)role], (int)response.StatusCode, body, world, role) is { } why)
                {
                    failures.Add($"{row.Key} as {role}: {why}");
                }
                if (role is Role.Anonymous or Role.Visitor) continue;
                // Staff never receive a visitor's credential, unless they sent it themselves (POST livechat/visitor).
                if (world.VisitorTokens.FirstOrDefault(t => body.Contains(t, StringComparison.Ordinal) && !sent.Contains(t, StringComparison.Ordinal)) is not null)
                {
                    failures.Add($"{row.Key} as {role}: a visitor token in the answer: {Shorten(body)}");
                }
                if (body.Contains(world.VisitorId, StringComparison.Ordinal) || body.Contains(world.QueuedVisitorId, StringComparison.Ordinal))
                {
                    showingVisitors.Add(row.Key);
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {PermissionMatrix.Rows.Length * 8} cells differ:\n" + string.Join("\n", failures));
        // The token scan looked at answers that do hold visitor documents (rooms, inquiries, messages, visitors).
        Assert.Superset(new HashSet<string>
        {
            "GET /api/v1/rooms.info", "GET /api/v1/livechat/rooms", "GET /api/v1/livechat/inquiries.queued", "GET /api/v1/chat.syncMessages",
            "GET /api/v1/livechat/visitors.info", "GET /api/v1/livechat/visitors.search",
        }, showingVisitors);
    }

    [Fact]
    public async Task NoStreamEventToStaffCarriesAVisitorToken()
    {
        var world = await MatrixWorld.CreateAsync(factory);
        var (agentId, _, _, agentToken) = world.Users[Role.AgentServing];
        var rid = world.RoomId;
        await using var agent = await DdpClient.ConnectAsync(factory);
        await using var admin = await DdpClient.ConnectAsync(factory);
        Assert.Null((await agent.CallAsync("login", new { resume = agentToken }))["error"]);
        Assert.Null((await admin.CallAsync("login", new { resume = world.Users[Role.Admin].Token }))["error"]);
        foreach (var ddp in new[] { agent, admin })
        {
            await ddp.SubscribeAsUserAsync("stream-room-messages", rid);
            await ddp.SubscribeAsUserAsync("stream-livechat-room", rid);
            await ddp.SubscribeAsUserAsync("stream-notify-room", $"{rid}/typing");
        }
        await agent.SubscribeAsUserAsync("stream-room-messages", "__my_messages__");
        await agent.SubscribeAsUserAsync("stream-notify-user", $"{agentId}/rooms-changed");
        await agent.SubscribeAsUserAsync("stream-notify-user", $"{agentId}/notification");
        await using var widget = await DdpClient.ConnectAsync(factory);
        var anonymous = factory.Anonymous();
        var staff = factory.Anonymous().As(agentId, agentToken);

        (await anonymous.PostAsync("livechat/message", new { token = world.VisitorToken, rid, msg = "stream check" })).Ok();
        (await anonymous.PostAsync("livechat/visitor", new { visitor = new { token = world.VisitorToken, name = "Renamed by the widget" } })).Ok();
        (await staff.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = world.VisitorId, name = "Renamed by the agent" }, roomData = new { _id = rid, topic = "stream" } })).Ok();
        await widget.CallAsync("stream-notify-room", $"{rid}/typing", world.Users[Role.AgentServing].Username, true, new { token = world.VisitorToken });
        await factory.SetSettingAsync("Livechat_Routing_Method", "Manual_Selection");
        try
        {
            // A new conversation in the agent's department: the agent is notified of the queued inquiry.
            var (newToken, _) = await factory.CreateVisitorAsync(world.DepartmentId);
            await factory.OpenRoomAsync(newToken);
            var notification = await agent.NextEventAsync("stream-notify-user", $"{agentId}/notification");
            var received = (await agent.ReceivedSoFarAsync()).Concat(await admin.ReceivedSoFarAsync()).Select(m => m.ToJsonString())
                .Append(notification.ToJsonString()).ToList();

            Assert.Contains(received, m => m.Contains("\"roomData\"", StringComparison.Ordinal));
            Assert.Contains(received, m => m.Contains("\"visitorData\"", StringComparison.Ordinal));
            Assert.Contains(received, m => m.Contains("rooms-changed", StringComparison.Ordinal) && m.Contains(world.VisitorId, StringComparison.Ordinal));
            Assert.Contains(received, m => m.Contains("stream check", StringComparison.Ordinal));
            Assert.All(received, m => Assert.DoesNotContain(world.VisitorToken, m, StringComparison.Ordinal));
            Assert.All(received, m => Assert.DoesNotContain(newToken, m, StringComparison.Ordinal));
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_Routing_Method", "Auto_Selection");
        }
    }

    /// <summary>
    /// The realtime column of the matrix: who may subscribe to the served room's messages over DDP, and that every
    /// such subscription ends (<c>nosub</c>, Meteor's logged-out error) when the login it was made with is logged out.
    /// </summary>
    [Fact]
    public async Task EveryRoleSubscribesToTheRoomAsTheMatrixSaysAndLosesItWithItsLogin()
    {
        var world = await MatrixWorld.CreateAsync(factory);
        var expected = new Dictionary<Role, bool>
        {
            [Role.Anonymous] = false, [Role.User] = false, [Role.AgentServing] = true, [Role.AgentNotServing] = false,
            [Role.Monitor] = true, [Role.Manager] = true, [Role.Admin] = true, [Role.Visitor] = true,
        };
        var failures = new List<string>();
        var open = new List<(Role Role, DdpClient Ddp, string Token, string SubId)>();
        try
        {
            foreach (var role in Enum.GetValues<Role>())
            {
                var ddp = await DdpClient.ConnectAsync(factory);
                var token = await world.FreshTokenAsync(role);
                if (token is not null) await ddp.CallAsync("login", new { resume = token });
                var answer = role == Role.Visitor
                    ? await ddp.SubscribeAsVisitorAsync("stream-room-messages", world.RoomId, world.VisitorToken)
                    : await ddp.SubscribeAsUserAsync("stream-room-messages", world.RoomId);
                var ready = (string?)answer["msg"] == "ready";
                if (ready != expected[role]) failures.Add($"{role}: {answer.ToJsonString()}");
                if (ready && token is not null) open.Add((role, ddp, token, (string)answer["subs"]![0]!));
                else await ddp.DisposeAsync();
            }
            foreach (var (role, ddp, token, subId) in open)
            {
                var logout = new HttpRequestMessage(HttpMethod.Post, "/api/v1/logout");
                world.Authenticate(logout, role, token);
                using var response = await factory.CreateClient().SendAsync(logout);
                var nosub = await ddp.NextAsync(m => (string?)m["msg"] == "nosub" && (string?)m["id"] == subId);
                if ((int?)nosub["error"]?["error"] != 403) failures.Add($"{role} after logout: {nosub.ToJsonString()}");
            }
        }
        finally
        {
            foreach (var (_, ddp, _, _) in open) await ddp.DisposeAsync();
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    static string? Mismatch(string cell, int status, string body, MatrixWorld world, Role role)
    {
        var (expectedStatus, check) = cell switch
        {
            "401" => (401, "=" + Unauthorized),
            "403" => (403, "=" + TestData.Forbidden),
            "403u" => (403, "=" + HandlerForbidden),
            "ok" => (200, "ok"),
            _ when cell[3] is '~' or '!' => (int.Parse(cell[..3], System.Globalization.CultureInfo.InvariantCulture), cell[3..]),
            _ => (int.Parse(cell[..3], System.Globalization.CultureInfo.InvariantCulture), "=" + world.Resolve(cell[4..], role)),
        };
        if (status != expectedStatus) return $"expected {expectedStatus}, got {status}: {Shorten(body)}";
        switch (check[0])
        {
            case '=' when !SameJson(check[1..], body):
                return $"expected {check[1..]}, got {Shorten(body)}";
            case '~' when !body.Contains(check[1..], StringComparison.OrdinalIgnoreCase):
                return $"expected a body containing {check[1..]}, got {Shorten(body)}";
            case '!' when body.Contains(check[1..], StringComparison.OrdinalIgnoreCase):
                return $"expected a body without {check[1..]}, got {Shorten(body)}";
            case 'o' when !IsSuccess(body):
                return $"expected success:true, got {Shorten(body)}";
            default:
                return null;
        }
    }

    static bool IsSuccess(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("success", out var s) && s.ValueKind == JsonValueKind.True;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    static bool SameJson(string expected, string actual)
    {
        try
        {
            return JsonSerializer.Serialize(JsonDocument.Parse(expected).RootElement) == JsonSerializer.Serialize(JsonDocument.Parse(actual).RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    static string Shorten(string body) => body.Length > 300 ? body[..300] + "…" : body;
}

public sealed class PermissionMatrixSqliteTests(SqliteServerFactory factory) : PermissionMatrixTests<SqliteServerFactory>(factory);

public sealed class PermissionMatrixPostgresTests(PostgresServerFactory factory) : PermissionMatrixTests<PostgresServerFactory>(factory);
