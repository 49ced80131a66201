using System.Text.Json;
using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Hosting;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c> and the reference at <c>/docs</c> (Hosting/OpenApiSetup.cs).</summary>
public abstract class OpenApiTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task OpenApiDocumentListsTheEndpoints()
    {
        var reply = await factory.Anonymous().GetAsync("/openapi/v1.json");

        Assert.Equal(200, reply.Code);
        var paths = reply.Json.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/login", out _));
        Assert.True(paths.TryGetProperty("/api/v1/permissions.update", out _));
    }

    [Fact]
    public async Task InteractiveReferenceIsServedAtDocs()
    {
        var reply = await factory.Anonymous().GetAsync("/docs");

        Assert.Equal(200, reply.Code);
        Assert.Contains("<html", reply.Body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task EachRouteCarriesTheTextMappedWithIt()
    {
        var paths = (await factory.Anonymous().GetAsync("/openapi/v1.json")).Json.GetProperty("paths");

        var auditLog = paths.GetProperty("/api/v1/livechat/room.auditLog").GetProperty("get");
        Assert.StartsWith("A room's committed changes of audited fields", auditLog.Str("description"), StringComparison.Ordinal);
        Assert.Equal(["roomId:query:True", "count:query:False", "offset:query:False"], Parameters(auditLog));
        var deliveries = paths.GetProperty("/api/v1/livechat/webhooks.deliveries").GetProperty("get");
        Assert.StartsWith("Recent webhook calls", deliveries.Str("description"), StringComparison.Ordinal);
        Assert.Equal(["status:query:False", "event:query:False", "roomId:query:False"], Parameters(deliveries));
        foreach (var path in new[] { "/api/v1/rooms.info", "/api/v1/livechat/room" })
        {
            Assert.Equal("Answers the room with its `_version` as a strong `ETag` header.",
                paths.GetProperty(path).GetProperty("get").Str("description"));
        }
        var saveInfo = paths.GetProperty("/api/v1/livechat/room.saveInfo").GetProperty("post");
        Assert.Equal(["Idempotency-Key:header:False", "If-Match:header:False", "Prefer:header:False", "dryRun:query:False"], Parameters(saveInfo));
        Assert.Equal(["200", "409", "412", "422"], saveInfo.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EveryWriteAndNoReadDocumentsTheIdempotencyKey()
    {
        var paths = (await factory.Anonymous().GetAsync("/openapi/v1.json")).Json.GetProperty("paths");

        var tagsSave = paths.GetProperty("/api/v1/livechat/tags.save").GetProperty("post");
        var tags = paths.GetProperty("/api/v1/livechat/tags").GetProperty("get");

        Assert.Equal(["Idempotency-Key:header:False"], Parameters(tagsSave));
        Assert.True(tagsSave.GetProperty("responses").TryGetProperty("409", out _));
        Assert.True(tagsSave.GetProperty("responses").TryGetProperty("422", out _));
        Assert.DoesNotContain("Idempotency-Key:header:False", Parameters(tags));
        Assert.False(tags.GetProperty("responses").TryGetProperty("409", out _));
    }

    static List<string> Parameters(JsonElement operation) => operation.TryGetProperty("parameters", out var parameters)
        ? parameters.EnumerateArray().Select(p => $"{p.Str("name")}:{p.Str("in")}:{p.TryGetProperty("required", out var r) && r.GetBoolean()}").ToList()
        : [];
}

public sealed class OpenApiSqliteTests(SqliteServerFactory factory) : OpenApiTests<SqliteServerFactory>(factory);

public sealed class OpenApiPostgresTests(PostgresServerFactory factory) : OpenApiTests<PostgresServerFactory>(factory);
