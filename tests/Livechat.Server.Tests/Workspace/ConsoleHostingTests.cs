using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Workspace;

/// <summary>
/// The agent workspace (src/Livechat.Console) served at /: its index.html for any path outside the server's own
/// prefixes, with no-cache and the security headers; /api, /health, /livechat and the rest keep their answers.
/// </summary>
public abstract class ConsoleHostingTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Theory]
    [InlineData("/")]
    [InlineData("/rooms")]
    [InlineData("/chats/some-room-id")]
    public async Task ConsolePathsServeItsIndexUncachedAndUnframable(string path)
    {
        var reply = await GetAsync(path);

        Assert.Equal(200, reply.Code);
        Assert.Contains("_framework/blazor.webassembly", reply.Body, StringComparison.Ordinal);
        Assert.Equal("no-cache", reply.Header("Cache-Control"));
        Assert.Equal("SAMEORIGIN", reply.Header("X-Frame-Options"));
        Assert.Equal("nosniff", reply.Header("X-Content-Type-Options"));
    }

    [Fact]
    public async Task TheConsoleFrameworkScriptIsServed()
    {
        var reply = await GetAsync("/_framework/blazor.webassembly.js");

        Assert.Equal(200, reply.Code);
        Assert.StartsWith("text/javascript", reply.Header("Content-Type"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerPrefixesNeverFallBackToTheConsole()
    {
        var api = await GetAsync("/api/v1/no-such-route");
        var health = await GetAsync("/health");
        var openapi = await GetAsync("/openapi/no-such-document.json");
        var framework = await GetAsync("/_framework/no-such-file.js");
        var websocket = await GetAsync("/websocket/extra");

        api.Is(404, """{"success":false,"error":"Resource not found"}""");
        Assert.Equal(200, health.Code);
        Assert.DoesNotContain("blazor", health.Body, StringComparison.Ordinal);
        Assert.Equal(404, openapi.Code);
        Assert.Equal(404, framework.Code);
        Assert.Equal(404, websocket.Code);
    }

    Task<Reply> GetAsync(string path) => factory.Anonymous().SendAsync(new HttpRequestMessage(HttpMethod.Get, path));
}

public sealed class ConsoleHostingSqliteTests(SqliteServerFactory factory) : ConsoleHostingTests<SqliteServerFactory>(factory);

public sealed class ConsoleHostingPostgresTests(PostgresServerFactory factory) : ConsoleHostingTests<PostgresServerFactory>(factory);
