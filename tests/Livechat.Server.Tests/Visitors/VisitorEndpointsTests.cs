using Livechat.Server.Tests.Infrastructure;
using Livechat.Server.Visitors;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Livechat.Server.Tests.Visitors;

public abstract class VisitorEndpointsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task RegisterVisitorCreatesGuestWithTrimmedLowerCaseEmail()
    {
        var token = TestUsers.Unique("tok");

        var reply = await factory.Anonymous().PostAsync("livechat/visitor",
            new { visitor = new { token, name = "Ann", email = "  Ann@Example.COM ", phone = " +1 555 " } });

        var v = reply.Ok().Json.GetProperty("visitor");
        Assert.StartsWith("guest-", v.Str("username"), StringComparison.Ordinal);
        Assert.Equal(24, v.Str("_id").Length);
        reply.Is(200, $$"""
            {"visitor":{"_id":"{{v.Str("_id")}}","token":"{{token}}","username":"{{v.Str("username")}}","name":"Ann",
            "visitorEmails":[{"address":"ann@example.com"}],"phone":[{"phoneNumber":"+1 555"}],"status":"online",
            "ts":"{{v.Str("ts")}}","_updatedAt":"{{v.Str("_updatedAt")}}"},"success":true}
            """);
    }

    [Fact]
    public async Task RegisterVisitorTwiceReusesToken()
    {
        var (token, first) = await factory.CreateVisitorAsync();

        var reply = (await factory.Anonymous().PostAsync("livechat/visitor", new { visitor = new { token, name = "Renamed" } })).Ok();

        var again = reply.Json.GetProperty("visitor");
        Assert.Equal(first.Str("_id"), again.Str("_id"));
        Assert.Equal("Renamed", again.Str("name"));
    }

    [Fact]
    public async Task ANewNameAtRegistrationFollowsToTheOpenRoomAndItsInquiry()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        int VersionOf(Reply info) => info.Ok().Json.GetProperty("room").GetProperty("_version").GetInt32();
        var before = VersionOf(await agent.Api.GetAsync($"rooms.info?roomId={rid}"));

        (await factory.Anonymous().PostAsync("livechat/visitor", new { visitor = new { token, name = "Nora New" } })).Ok();
        var renamed = await agent.Api.GetAsync($"rooms.info?roomId={rid}");
        (await factory.Anonymous().PostAsync("livechat/visitor", new { visitor = new { token, name = "Nora New", email = "nora@example.com" } })).Ok();
        var same = await agent.Api.GetAsync($"rooms.info?roomId={rid}");

        Assert.Equal("Nora New", renamed.Json.GetProperty("room").Str("fname"));
        Assert.Equal(before + 1, VersionOf(renamed));
        Assert.Equal("Nora New", await factory.WithDbAsync(db => db.Inquiries.Where(i => i.Rid == rid).Select(i => i.Name).SingleAsync()));
        // Without a new name the room is left alone.
        Assert.Equal(before + 1, VersionOf(same));
        Assert.Equal("nora@example.com",
            (await factory.Anonymous().GetAsync($"livechat/visitor/{token}")).Ok().Json.GetProperty("visitor").GetProperty("visitorEmails")[0].Str("address"));
    }

    [Theory]
    [InlineData("phone")]
    [InlineData("email")]
    public async Task RegisterWithSomeoneElsesAddressMakesANewVisitorAndLeavesTheVictimAlone(string by)
    {
        await factory.CreateAgentAsync();
        var address = by == "phone" ? TestUsers.Unique("+49 ") : $"{TestUsers.Unique("v")}@example.com";
        var victimToken = TestUsers.Unique("victim");
        var victim = (await factory.Anonymous().PostAsync("livechat/visitor",
            new Dictionary<string, object> { ["visitor"] = new Dictionary<string, string> { ["token"] = victimToken, ["name"] = "Vic", [by] = address } })).Ok()
            .Json.GetProperty("visitor");
        var room = await factory.OpenRoomAsync(victimToken);
        (await factory.Anonymous().PostAsync("livechat/message", new { token = victimToken, rid = room.Str("_id"), msg = "my order 42" })).Ok();
        var admin = await factory.AdminAsync();
        var victimBefore = (await factory.Anonymous().GetAsync($"livechat/visitor/{victimToken}")).Ok().Body;
        var roomBefore = (await admin.GetAsync($"rooms.info?roomId={room.Str("_id")}")).Ok().Body;
        var attackerToken = TestUsers.Unique("mallory");

        var reply = await factory.Anonymous().PostAsync("livechat/visitor", new Dictionary<string, object>
        {
            ["visitor"] = new Dictionary<string, string> { ["token"] = attackerToken, ["name"] = "Mallory", [by] = by == "email" ? address.ToUpperInvariant() : address },
        });

        var attacker = reply.Ok().Json.GetProperty("visitor");
        Assert.DoesNotContain(victimToken, reply.Body, StringComparison.Ordinal);
        Assert.Equal(attackerToken, attacker.Str("token"));
        Assert.NotEqual(victim.Str("_id"), attacker.Str("_id"));
        Assert.NotEqual(victim.Str("username"), attacker.Str("username"));
        Assert.Equal(victimBefore, (await factory.Anonymous().GetAsync($"livechat/visitor/{victimToken}")).Ok().Body);
        Assert.Equal(roomBefore, (await admin.GetAsync($"rooms.info?roomId={room.Str("_id")}")).Ok().Body);
        (await factory.Anonymous().GetAsync($"livechat/messages.history/{room.Str("_id")}?token={attackerToken}"))
            .Is(400, """{"success":false,"error":"invalid-room"}""");
        (await factory.Anonymous().PostAsync("livechat/room.close", new { token = attackerToken, rid = room.Str("_id") }))
            .Is(400, """{"success":false,"error":"invalid-room"}""");
        (await factory.Anonymous().DeleteAsync($"livechat/visitor/{attackerToken}")).Ok();
        Assert.Equal(victimBefore, (await factory.Anonymous().GetAsync($"livechat/visitor/{victimToken}")).Ok().Body);
    }

    [Fact]
    public async Task VisitorsInfoListsTheVisitorsSharingAnAddressAsPossibleDuplicates()
    {
        var email = $"{TestUsers.Unique("d")}@example.com";
        var phone = TestUsers.Unique("+1 ");
        var first = (await factory.Anonymous().PostAsync("livechat/visitor", new { visitor = new { token = TestUsers.Unique("tok"), email } })).Ok()
            .Json.GetProperty("visitor");
        var second = (await factory.Anonymous().PostAsync("livechat/visitor", new { visitor = new { token = TestUsers.Unique("tok"), email, phone, name = "Dup" } })).Ok()
            .Json.GetProperty("visitor");
        var third = (await factory.Anonymous().PostAsync("livechat/visitor", new { visitor = new { token = TestUsers.Unique("tok"), phone } })).Ok()
            .Json.GetProperty("visitor");
        var (_, alone) = await factory.CreateVisitorAsync();
        var admin = await factory.AdminAsync();

        var reply = (await admin.GetAsync($"livechat/visitors.info?visitorId={second.Str("_id")}")).Ok();

        Assert.Equal($$"""
            [{"_id":"{{first.Str("_id")}}","username":"{{first.Str("username")}}","ts":"{{first.Str("ts")}}"},
            {"_id":"{{third.Str("_id")}}","username":"{{third.Str("username")}}","ts":"{{third.Str("ts")}}"}]
            """.ReplaceLineEndings(""), reply.Json.GetProperty("possibleDuplicates").GetRawText());
        Assert.Equal(second.Str("_id"), (await admin.GetAsync($"livechat/visitors.info?visitorId={first.Str("_id")}")).Ok()
            .Json.GetProperty("possibleDuplicates")[0].Str("_id"));
        Assert.False((await admin.GetAsync($"livechat/visitors.info?visitorId={alone.Str("_id")}")).Ok().Json.TryGetProperty("possibleDuplicates", out _));
    }

    [Fact]
    public async Task RegisterNeverTakesAClientChosenIdOrUsername()
    {
        var agent = await factory.CreateAgentAsync();
        var (otherToken, other) = await factory.CreateVisitorAsync();
        var token = TestUsers.Unique("tok");
        var wanted = "0123456789abcdef01234567";

        var created = await factory.Anonymous().PostAsync("livechat/visitor", new { visitor = new { token, id = wanted, username = agent.Username } });
        var taken = await factory.Anonymous().PostAsync("livechat/visitor", new { visitor = new { token = TestUsers.Unique("tok"), id = other.Str("_id") } });
        var own = await factory.Anonymous().PostAsync("livechat/visitor", new { visitor = new { token, id = created.Json.GetProperty("visitor").Str("_id"), name = "Own" } });

        var visitor = created.Ok().Json.GetProperty("visitor");
        Assert.NotEqual(wanted, visitor.Str("_id"));
        Assert.Equal(24, visitor.Str("_id").Length);
        Assert.Matches("^guest-[0-9]+$", visitor.Str("username"));
        taken.Is(400, """{"success":false,"error":"The visitor id belongs to another visitor [error-invalid-visitor]","errorType":"error-invalid-visitor"}""");
        Assert.Equal("Own", own.Ok().Json.GetProperty("visitor").Str("name"));
        Assert.Equal(other.Str("username"), (await factory.Anonymous().GetAsync($"livechat/visitor/{otherToken}")).Ok().Json.GetProperty("visitor").Str("username"));
    }

    [Fact]
    public async Task RegisterRefusesTokensShorterThanEightCharactersAndOverlongNames()
    {
        var api = factory.Anonymous();

        var seven = await api.PostAsync("livechat/visitor", new { visitor = new { token = "1234567" } });
        var eight = await api.PostAsync("livechat/visitor", new { visitor = new { token = TestUsers.Unique("")[..8] } });
        var longName = await api.PostAsync("livechat/visitor", new { visitor = new { token = TestUsers.Unique("tok"), name = new string('n', 101) } });
        var maxName = await api.PostAsync("livechat/visitor", new { visitor = new { token = TestUsers.Unique("tok"), name = new string('n', 100) } });

        seven.Is(400, """{"success":false,"error":"Token must be at least 8 characters [error-invalid-token]","errorType":"error-invalid-token"}""");
        eight.Ok();
        longName.Is(400, """{"success":false,"error":"name is longer than 100 characters [error-value-too-long]","errorType":"error-value-too-long"}""");
        Assert.Equal(new string('n', 100), maxName.Ok().Json.GetProperty("visitor").Str("name"));
    }

    [Fact]
    public async Task ConcurrentRegistrationsNeverShareAGuestNumber()
    {
        var tasks = Enumerable.Range(0, 12).Select(_ => factory.CreateVisitorAsync()).ToList();

        var visitors = await Task.WhenAll(tasks);

        var names = visitors.Select(v => v.Visitor.Str("username")).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, n => Assert.StartsWith("guest-", n, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GuestNumbersComeFromBlocksReservedInTheCounter()
    {
        static long Number(System.Text.Json.JsonElement visitor) =>
            long.Parse(visitor.Str("username")["guest-".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Task<long> CounterAsync() => factory.WithDbAsync(async db =>
            long.Parse((await db.Settings.FindAsync("Livechat_guest_count"))!.Value, System.Globalization.CultureInfo.InvariantCulture));

        var (_, first) = await factory.CreateVisitorAsync();
        var reserved = await CounterAsync();
        var (_, second) = await factory.CreateVisitorAsync();
        var afterwards = await CounterAsync();

        // The counter holds the last number reserved; a visitor takes the next number of the block, and only a used-up block
        // moves the counter, by a whole block.
        Assert.InRange(Number(first), reserved - GuestNumbers.Block + 1, reserved);
        Assert.Equal(Number(first) < reserved ? (Number(first) + 1, reserved) : (reserved + 1, reserved + GuestNumbers.Block),
            (Number(second), afterwards));
    }

    [Fact]
    public async Task RegisterValidationAnswersMeteorMatchErrors()
    {
        var api = factory.Anonymous();

        (await api.PostAsync("livechat/visitor", new { })).Is(400, """{"success":false,"error":"Match error: Missing key 'visitor'"}""");
        (await api.PostAsync("livechat/visitor", new { visitor = new { name = "x" } }))
            .Is(400, """{"success":false,"error":"Match error: Missing key 'token' in field visitor"}""");
        (await api.PostAsync("livechat/visitor", new { visitor = new { token = 5 } }))
            .Is(400, """{"success":false,"error":"Match error: Expected string, got number in field visitor.token"}""");
        (await api.PostAsync("livechat/visitor", new { visitor = new { token = "token-of-a" }, extra = 1 }))
            .Is(400, """{"success":false,"error":"Match error: Unknown key in field extra"}""");
        (await api.PostAsync("livechat/visitor", new { visitor = new { token = "  " } }))
            .Is(400, """{"success":false,"error":"Token cannot be empty [error-invalid-token]","errorType":"error-invalid-token"}""");
        (await api.PostAsync("livechat/visitor", new { visitor = new { token = "token-of-a", department = "nope" } }))
            .Is(400, """{"success":false,"error":"The provided department is invalid [error-invalid-department]","errorType":"error-invalid-department"}""");
        (await api.PostAsync("livechat/visitor", new { visitor = new { token = "token-of-a", email = " Bad " } }))
            .Is(400, """{"success":false,"error":"Invalid email bad [error-invalid-email]","errorType":"error-invalid-email"}""");
        // An error quotes a short prefix of the input, never all of it.
        (await api.PostAsync("livechat/visitor", new { visitor = new { token = "token-of-a", email = new string('x', 5000) } }))
            .Is(400, $$"""{"success":false,"error":"Invalid email {{new string('x', 40)}}… [error-invalid-email]","errorType":"error-invalid-email"}""");
    }

    [Fact]
    public async Task RegisterAppliesVisitorCustomFieldsWithRegexp()
    {
        var key = TestUsers.Unique("cf");
        await AddCustomFieldAsync(key, "Order", "^[A-Z]-\\d+$");
        var token = TestUsers.Unique("tok");

        var bad = await factory.Anonymous().PostAsync("livechat/visitor",
            new { visitor = new { token, customFields = new[] { new { key, value = "x", overwrite = true } } } });
        var good = await factory.Anonymous().PostAsync("livechat/visitor",
            new { visitor = new { token, customFields = new[] { new { key, value = "A-17", overwrite = true }, new { key = "unknown", value = "z", overwrite = true } } } });

        bad.Is(400, """{"success":false,"error":"Invalid value for Order field"}""");
        Assert.Equal("""{"{{key}}":"A-17"}""".Replace("{{key}}", key, StringComparison.Ordinal),
            good.Ok().Json.GetProperty("visitor").GetProperty("livechatData").GetRawText());
    }

    async Task AddCustomFieldAsync(string key, string label, string regexp)
    {
        // No custom-fields endpoint in this feature: the definition is written directly.
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<global::Livechat.Server.Data.LivechatDb>();
        db.CustomFields.Add(new global::Livechat.Server.CustomFields.CustomField
        {
            Id = key,
            Label = label,
            Scope = "visitor",
            Visibility = "visible",
            Regexp = regexp,
            Searchable = true,
            UpdatedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task GetVisitorByTokenAnswersDocumentOrInvalidToken()
    {
        var (token, visitor) = await factory.CreateVisitorAsync();

        var found = await factory.Anonymous().GetAsync($"livechat/visitor/{token}");
        var missing = await factory.Anonymous().GetAsync("livechat/visitor/nope");

        Assert.Equal(visitor.Str("_id"), found.Ok().Json.GetProperty("visitor").Str("_id"));
        missing.Is(400, """{"success":false,"error":"[invalid-token]","errorType":"invalid-token"}""");
    }

    [Fact]
    public async Task DeleteVisitorWithOpenRoomIsRefusedThenRemovesAfterClose()
    {
        var (room, token, _, _) = await factory.CreateServedRoomAsync();

        var refused = await factory.Anonymous().DeleteAsync($"livechat/visitor/{token}");
        (await factory.Anonymous().PostAsync("livechat/room.close", new { token, rid = room.Str("_id") })).Ok();
        var deleted = await factory.Anonymous().DeleteAsync($"livechat/visitor/{token}");

        refused.Is(400, """{"success":false,"error":"Cannot remove visitors with opened rooms [visitor-has-open-rooms]","errorType":"visitor-has-open-rooms"}""");
        var v = deleted.Ok().Json.GetProperty("visitor");
        deleted.Is(200, $$"""{"visitor":{"_id":"{{room.GetProperty("v").Str("_id")}}","ts":"{{v.Str("ts")}}"},"success":true}""");
        (await factory.Anonymous().GetAsync($"livechat/visitor/{token}")).Is(400, """{"success":false,"error":"[invalid-token]","errorType":"invalid-token"}""");
        (await factory.Anonymous().DeleteAsync("livechat/visitor/nope")).Is(400, """{"success":false,"error":"[invalid-token]","errorType":"invalid-token"}""");
    }

    [Fact]
    public async Task VisitorStatusUpdatesVisitorAndOpenRoom()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();

        var reply = await factory.Anonymous().PostAsync("livechat/visitor.status", new { token, status = "away" });

        reply.Is(200, $$"""{"token":"{{token}}","status":"away","success":true}""");
        var info = (await agent.Api.GetAsync($"rooms.info?roomId={room.Str("_id")}")).Ok();
        Assert.Equal("away", info.Json.GetProperty("room").GetProperty("v").Str("status"));
        (await factory.Anonymous().PostAsync("livechat/visitor.status", new { token }))
            .Is(400, """{"success":false,"error":"Match error: Missing key 'status'"}""");
        (await factory.Anonymous().PostAsync("livechat/visitor.status", new { token, status = "sleepy" }))
            .Is(400, """{"success":false,"error":"error-invalid-status"}""");
        (await factory.Anonymous().PostAsync("livechat/visitor.status", new { token = "nope", status = "online" }))
            .Is(400, """{"success":false,"error":"[invalid-token]","errorType":"invalid-token"}""");
    }

    [Fact]
    public async Task VisitorsInfoNeedsViewLRoomAndAnswersTheVisitor()
    {
        var (_, visitor) = await factory.CreateVisitorAsync();
        var admin = await factory.AdminAsync();
        var plain = await factory.CreateUserAsync();

        var reply = await admin.GetAsync($"livechat/visitors.info?visitorId={visitor.Str("_id")}");

        // The visitor's document as the visitor got it, but without its token: staff never receive it.
        var expected = System.Text.Json.Nodes.JsonNode.Parse(visitor.GetRawText())!.AsObject();
        expected.Remove("token");
        Assert.Equal(expected.ToJsonString(), reply.Ok().Json.GetProperty("visitor").GetRawText());
        (await admin.GetAsync("livechat/visitors.info")).Is(400,
            """{"success":false,"error":"must have required property 'visitorId' [invalid-params]","errorType":"invalid-params"}""");
        (await admin.GetAsync("livechat/visitors.info?visitorId=nope")).Is(400, """{"success":false,"error":"visitor-not-found"}""");
        (await plain.Api.GetAsync("livechat/visitors.info?visitorId=x")).Is(403,
            """{"success":false,"error":"User does not have the permissions required for this action [error-unauthorized]"}""");
    }

    [Fact]
    public async Task VisitorsSearchMatchesNameCaseInsensitively()
    {
        var name = TestUsers.Unique("Zed");
        var (_, visitor) = await factory.CreateVisitorAsync(name: name);
        var admin = await factory.AdminAsync();

        var reply = await admin.GetAsync($"livechat/visitors.search?term={name.ToUpperInvariant()}");

        reply.Is(200, $$"""
            {"visitors":[{"_id":"{{visitor.Str("_id")}}","username":"{{visitor.Str("username")}}","name":"{{name}}"}],
            "count":1,"offset":0,"total":1,"success":true}
            """);
    }
}

public sealed class VisitorEndpointsSqliteTests(SqliteServerFactory factory) : VisitorEndpointsTests<SqliteServerFactory>(factory);

public sealed class VisitorEndpointsPostgresTests(PostgresServerFactory factory) : VisitorEndpointsTests<PostgresServerFactory>(factory);
