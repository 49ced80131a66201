using System.Text;
using System.Text.Json;
using Livechat.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Tests.SaveInfo;

/// <summary>room.saveInfo's opt-in answers: <c>Prefer: return=representation</c> and <c>?dryRun=true</c>.</summary>
public abstract class SaveInfoAnswersTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task ReturnRepresentationAnswersTheSavedRoomAndVisitor()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var vid = room.GetProperty("v").Str("_id");
        var admin = await factory.AdminAsync();

        var reply = await SendAsync(agent.Api, "livechat/room.saveInfo",
            new { guestData = new { _id = vid, name = "Jane Roe" }, roomData = new { _id = rid, topic = "Billing" } }, ("Prefer", "return=representation"));

        var info = (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok();
        var visitor = (await admin.GetAsync($"livechat/visitors.info?visitorId={vid}")).Ok().Json.GetProperty("visitor");
        reply.Is(200, $$"""{"success":true,"room":{{info.Json.GetProperty("room").GetRawText()}},"visitor":{{visitor.GetRawText()}}}""");
        Assert.Equal(info.Headers.ETag!.ToString(), reply.Headers.ETag!.ToString());
        Assert.Equal("return=representation", reply.Headers.GetValues("Preference-Applied").Single());
        Assert.Equal("Billing", reply.Json.GetProperty("room").Str("topic"));
        Assert.Equal("Jane Roe", reply.Json.GetProperty("visitor").Str("name"));
    }

    [Fact]
    public async Task DryRunReportsTheChangesAndWritesNothing()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var vid = room.GetProperty("v").Str("_id");
        var admin = await factory.AdminAsync();
        var priority = (await admin.GetAsync("livechat/priorities")).Ok().Json.GetProperty("priorities")[0].Str("_id");
        (await agent.Api.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = vid }, roomData = new { _id = rid, topic = "Before", tags = new[] { "old" } } })).Ok();
        var before = (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room").GetRawText();
        var (events, messages) = await CountsAsync(rid);

        var reply = await agent.Api.PostAsync("livechat/room.saveInfo?dryRun=true", new
        {
            guestData = new { _id = vid, email = "Jane@Example.com" },
            roomData = new { _id = rid, topic = "After", tags = new[] { "old", "new" }, priorityId = priority },
        });

        reply.Is(200, $$$$"""{"success":true,"changes":{"topic":{"from":"Before","to":"After"},"tags":{"from":["old"],"to":["old","new"]},"priorityId":{"from":null,"to":"{{{{priority}}}}"},"visitor.email":{"from":null,"to":"jane@example.com"}}}""");
        Assert.Equal(before, (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room").GetRawText());
        Assert.False((await admin.GetAsync($"livechat/visitors.info?visitorId={vid}")).Ok().Json.GetProperty("visitor").TryGetProperty("visitorEmails", out _));
        Assert.Equal((events, messages), await CountsAsync(rid));
    }

    [Fact]
    public async Task DryRunOfANoOpReportsNoChanges()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();

        var reply = await agent.Api.PostAsync("livechat/room.saveInfo?dryRun=true",
            new { guestData = new { _id = room.GetProperty("v").Str("_id") }, roomData = new { _id = room.Str("_id") } });

        reply.Is(200, """{"success":true,"changes":{}}""");
    }

    [Fact]
    public async Task DryRunRunsEveryCheck()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var vid = room.GetProperty("v").Str("_id");
        var other = await factory.CreateAgentAsync();

        (await agent.Api.PostAsync("livechat/room.saveInfo?dryRun=true", new { guestData = new { _id = vid }, roomData = new { _id = rid, priorityId = "no-such-priority" } }))
            .Is(400, """{"success":false,"error":"error-invalid-priority"}""");
        (await other.Api.PostAsync("livechat/room.saveInfo?dryRun=true", new { guestData = new { _id = vid }, roomData = new { _id = rid, topic = "x" } }))
            .Is(403, """{"success":false,"error":"unauthorized"}""");
        Assert.Equal(412, (await SendAsync(agent.Api, "livechat/room.saveInfo?dryRun=true",
            new { guestData = new { _id = vid }, roomData = new { _id = rid, topic = "x" } }, ("If-Match", "\"999999\""))).Code);
        (await agent.Api.PostAsync("livechat/room.saveInfo?dryRun=maybe", new { guestData = new { _id = vid }, roomData = new { _id = rid } }))
            .Is(400, """{"success":false,"error":"must be boolean (dryRun) [invalid-params]","errorType":"invalid-params"}""");
        (await agent.Api.PostAsync("livechat/room.saveInfo?dryRun=false", new { guestData = new { _id = vid }, roomData = new { _id = rid, topic = "real" } }))
            .Is(200, """{"success":true}""");
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheExtensions()
    {
        var document = (await factory.Anonymous().GetAsync("/openapi/v1.json")).Json;

        var description = document.GetProperty("info").Str("description");
        foreach (var topic in new[] { "If-Match", "Idempotency-Key", "room.auditLog", "X-Livechat-Signature", "webhooks.deliveries", "return=representation", "dryRun=true" })
        {
            Assert.Contains(topic, description, StringComparison.Ordinal);
        }
        var saveInfo = document.GetProperty("paths").GetProperty("/api/v1/livechat/room.saveInfo").GetProperty("post");
        Assert.Equal(["Idempotency-Key", "If-Match", "Prefer", "dryRun"], saveInfo.GetProperty("parameters").EnumerateArray().Select(p => p.Str("name")));
        Assert.True(saveInfo.GetProperty("responses").TryGetProperty("412", out _));
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/v1/livechat/room.auditLog", out _));
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/v1/livechat/webhooks.deliveries", out _));
    }

    static Task<Reply> SendAsync(ApiClient api, string path, object body, (string Name, string Value) header)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/{path}")
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation(header.Name, header.Value);
        return api.SendAsync(request);
    }

    Task<(int Events, int Messages)> CountsAsync(string rid) => factory.WithDbAsync(async db =>
        (await db.ChangeEvents.CountAsync(e => e.RoomId == rid), await db.Messages.CountAsync(m => m.Rid == rid)));
}

public sealed class SaveInfoAnswersSqliteTests(SqliteServerFactory factory) : SaveInfoAnswersTests<SqliteServerFactory>(factory);

public sealed class SaveInfoAnswersPostgresTests(PostgresServerFactory factory) : SaveInfoAnswersTests<PostgresServerFactory>(factory);
