using Livechat.Server.Data;
using Livechat.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace Livechat.Server.Tests.Events;

/// <summary>
/// <c>GET livechat/room.auditLog</c>: every committed change of a room's audited fields, newest first, with the actor,
/// the source and the exact old and new values; nothing for a save that changes nothing.
/// </summary>
public abstract class AuditLogTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task SavesAreLoggedNewestFirstWithExactOldAndNewValues()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var vid = room.GetProperty("v").Str("_id");
        var field = TestUsers.Unique("audit");
        var admin = await factory.AdminAsync();
        (await admin.PostAsync("livechat/custom-fields.save", new { customFieldData = new { field, label = field, scope = "room", visibility = "visible" } })).Ok();
        var oldName = room.Str("fname");

        (await agent.Api.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = vid }, roomData = new { _id = rid, topic = "Billing", tags = new[] { "vip" } } })).Ok();
        (await agent.Api.PostAsync("livechat/room.saveInfo", new
        {
            guestData = new { _id = vid, name = "Jane Roe", email = "Jane@Example.com" },
            roomData = new Dictionary<string, object> { ["_id"] = rid, ["topic"] = "Refund", ["livechatData"] = new Dictionary<string, string> { [field] = "A-17" } },
        })).Ok();
        (await agent.Api.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = vid }, roomData = new { _id = rid, topic = "Refund", tags = new[] { "vip" } } })).Is(200, """{"success":true}""");

        var reply = (await agent.Api.GetAsync($"livechat/room.auditLog?roomId={rid}")).Ok();

        var entries = reply.Json.GetProperty("entries");
        Assert.Equal(2, entries.GetArrayLength());
        Assert.Equal(2, reply.Json.GetProperty("total").GetInt32());
        var (newest, oldest) = (entries[0], entries[1]);
        Assert.True(long.Parse(newest.Str("_id"), System.Globalization.CultureInfo.InvariantCulture) > long.Parse(oldest.Str("_id"), System.Globalization.CultureInfo.InvariantCulture));
        var actor = $$"""{"_id":"{{agent.Id}}","username":"{{agent.Username}}","type":"user"}""";
        Assert.Equal(
            $$$$"""{"_id":"{{{{oldest.Str("_id")}}}}","roomId":"{{{{rid}}}}","type":"room.updated","ts":"{{{{oldest.Str("ts")}}}}","actor":{{{{actor}}}},"source":"rest","changes":{"topic":{"from":null,"to":"Billing"},"tags":{"from":null,"to":["vip"]}}}""",
            oldest.GetRawText());
        Assert.Equal(
            $$$"""{"fname":{"from":"{{{oldName}}}","to":"Jane Roe"},"topic":{"from":"Billing","to":"Refund"},"livechatData":{"from":null,"to":{"{{{field}}}":"A-17"}},"visitor.name":{"from":null,"to":"Jane Roe"},"visitor.email":{"from":null,"to":"jane@example.com"}}""",
            newest.GetProperty("changes").GetRawText());
        Assert.True(JsonSetupDate(newest.Str("ts")) >= JsonSetupDate(oldest.Str("ts")));
        Assert.Equal(2, reply.Json.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task AuditRowsShrinkToTheChangedFieldsAndGoAfterTheRetention()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        (await agent.Api.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = room.GetProperty("v").Str("_id") }, roomData = new { _id = rid, topic = "Compact" } })).Ok();
        var log = (await agent.Api.GetAsync($"livechat/room.auditLog?roomId={rid}")).Ok().Body;
        var now = DateTime.UtcNow;

        // For a day the row also carries the documents other server processes read; its audit row never does.
        var fresh = Assert.Single(await AuditRowsAsync(rid));
        Assert.Contains("\"room\":{", fresh.Data, StringComparison.Ordinal);
        Assert.DoesNotContain("\"room\":", fresh.Audit!, StringComparison.Ordinal);
        Assert.DoesNotContain("\"visitor\":", fresh.Audit!, StringComparison.Ordinal);
        Assert.Contains("\"topic\":{\"from\":null,\"to\":\"Compact\"}", fresh.Audit!, StringComparison.Ordinal);

        await factory.WithDbAsync(db => Housekeeping.RunOnceAsync(db, now.AddDays(1).AddMinutes(1)));
        var kept = Assert.Single(await AuditRowsAsync(rid));
        Assert.Equal((fresh.Audit, (string?)null), (kept.Data, kept.Audit));
        Assert.True(kept.Data.Length * 2 < fresh.Data.Length, $"{kept.Data.Length} of {fresh.Data.Length} characters kept");
        (await agent.Api.GetAsync($"livechat/room.auditLog?roomId={rid}")).Is(200, log);

        // Retention:AuditDays (default 365) decides how long the row stays.
        var retention = Housekeeping.Retention.From(new ConfigurationBuilder().AddInMemoryCollection([new("Retention:AuditDays", "30")]).Build());
        Assert.Equal(TimeSpan.FromDays(365), Housekeeping.Retention.From(new ConfigurationBuilder().Build()).Audit);
        await factory.WithDbAsync(db => Housekeeping.RunOnceAsync(db, now.AddDays(29), retention));
        Assert.Single(await AuditRowsAsync(rid));
        await factory.WithDbAsync(db => Housekeeping.RunOnceAsync(db, now.AddDays(31), retention));
        Assert.Empty(await AuditRowsAsync(rid));
        (await agent.Api.GetAsync($"livechat/room.auditLog?roomId={rid}")).Is(200, """{"entries":[],"count":0,"offset":0,"total":0,"success":true}""");
    }

    Task<List<(string Data, string? Audit)>> AuditRowsAsync(string rid) => factory.WithDbAsync(async db =>
        (await db.ChangeEvents.AsNoTracking().Where(e => e.RoomId == rid && e.Audited).Select(e => new { e.Data, e.Audit }).ToListAsync())
            .Select(e => (e.Data, e.Audit)).ToList());

    [Fact]
    public async Task ASaveThatChangesNothingRecordsNothing()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var body = new { guestData = new { _id = room.GetProperty("v").Str("_id"), name = room.Str("fname") }, roomData = new { _id = rid, topic = "same", tags = Array.Empty<string>() } };
        (await agent.Api.PostAsync("livechat/room.saveInfo", body)).Ok();

        (await agent.Api.PostAsync("livechat/room.saveInfo", body)).Is(200, """{"success":true}""");
        (await agent.Api.PostAsync("livechat/room.saveInfo", body)).Is(200, """{"success":true}""");

        var log = (await agent.Api.GetAsync($"livechat/room.auditLog?roomId={rid}")).Ok().Json;
        Assert.Equal(1, log.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task ClosingVisitorEditsAndPagingAreLogged()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var field = TestUsers.Unique("widget");
        var admin = await factory.AdminAsync();
        (await admin.PostAsync("livechat/custom-fields.save", new { customFieldData = new { field, label = field, scope = "room", visibility = "visible" } })).Ok();
        (await factory.Anonymous().PostAsync("livechat/custom.field", new { token, key = field, value = "from widget", overwrite = true })).Ok();
        (await agent.Api.PostAsync("livechat/room.closeByUser", new { rid, comment = "done" })).Ok();

        var first = (await admin.GetAsync($"livechat/room.auditLog?roomId={rid}&count=1")).Ok().Json;
        var second = (await admin.GetAsync($"livechat/room.auditLog?roomId={rid}&count=1&offset=1")).Ok().Json;

        Assert.Equal((1, 0, 2), (first.GetProperty("count").GetInt32(), first.GetProperty("offset").GetInt32(), first.GetProperty("total").GetInt32()));
        var closed = first.GetProperty("entries")[0];
        Assert.Equal("room.closed", closed.Str("type"));
        Assert.Equal("""{"from":true,"to":false}""", closed.GetProperty("changes").GetProperty("open").GetRawText());
        Assert.Equal("""{"from":null,"to":"user"}""", closed.GetProperty("changes").GetProperty("closer").GetRawText());
        Assert.Equal(closed.GetProperty("changes").GetProperty("closedAt").GetProperty("to").GetString(),
            (await admin.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room").Str("closedAt"));
        var widget = second.GetProperty("entries")[0];
        Assert.Equal((1, 1, 2), (second.GetProperty("count").GetInt32(), second.GetProperty("offset").GetInt32(), second.GetProperty("total").GetInt32()));
        Assert.Equal($$"""{"_id":"{{room.GetProperty("v").Str("_id")}}","username":"{{room.GetProperty("v").Str("username")}}","type":"visitor"}""", widget.GetProperty("actor").GetRawText());
        Assert.Equal($$$$"""{"livechatData":{"from":null,"to":{"{{{{field}}}}":"from widget"}}}""", widget.GetProperty("changes").GetRawText());
    }

    [Fact]
    public async Task TheLogNeedsViewLRoomAndAccessToTheRoom()
    {
        var (room, _, _, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var user = await factory.CreateUserAsync();
        var otherAgent = await factory.CreateAgentAsync();

        (await factory.Anonymous().GetAsync($"livechat/room.auditLog?roomId={rid}")).Is(401,
            """{"success":false,"error":"You must be logged in to do this.","status":"error","message":"You must be logged in to do this."}""");
        (await user.Api.GetAsync($"livechat/room.auditLog?roomId={rid}")).Is(403, TestData.Forbidden);
        (await otherAgent.Api.GetAsync($"livechat/room.auditLog?roomId={rid}")).Is(400, """{"success":false,"error":"not-allowed","errorType":"Not Allowed"}""");
        (await otherAgent.Api.GetAsync("livechat/room.auditLog")).Is(400,
            """{"success":false,"error":"must have required property 'roomId' [invalid-params]","errorType":"invalid-params"}""");
        (await otherAgent.Api.GetAsync("livechat/room.auditLog?roomId=no-such-room")).Is(400,
            """{"success":false,"error":"The required \"roomId\" param provided does not match any room [error-room-not-found]","errorType":"error-room-not-found"}""");
    }

    static DateTime JsonSetupDate(string text) => DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);
}

public sealed class AuditLogSqliteTests(SqliteServerFactory factory) : AuditLogTests<SqliteServerFactory>(factory);

public sealed class AuditLogPostgresTests(PostgresServerFactory factory) : AuditLogTests<PostgresServerFactory>(factory);
