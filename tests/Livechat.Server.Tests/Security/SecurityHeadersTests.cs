using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Security;

/// <summary>CORS from Rocket.Chat's API_Enable_CORS / API_CORS_Origin settings, and the security headers of every response.</summary>
public abstract class SecurityHeadersTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    const string AllowHeaders = "Origin, X-Requested-With, Content-Type, Accept, X-User-Id, X-Auth-Token, x-visitor-token, Authorization, If-Match, Idempotency-Key, Prefer";
    const string Refused = """{"success":false,"error":"Origin not allowed [error-cors-origin-not-allowed]","errorType":"error-cors-origin-not-allowed"}""";

    [Fact]
    public async Task CorsOffByDefaultSendsNoCorsHeaders()
    {
        var reply = await SendAsync(HttpMethod.Get, "/api/info", "https://shop.example");

        reply.Is(200, """{"version":"0.1.0","success":true}""");
        Assert.False(reply.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task CorsForEveryOriginAnswersPreflightAndRequestsWithStar()
    {
        await WithCorsAsync("*", async () =>
        {
            var preflight = await SendAsync(HttpMethod.Options, "/api/v1/livechat/room.saveInfo", "https://shop.example",
                ("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "x-user-id,x-auth-token,content-type"));
            var get = await SendAsync(HttpMethod.Get, "/api/info", "https://other.example");

            Assert.Equal(200, preflight.Code);
            Assert.Equal("OK", preflight.Body);
            Assert.Equal("*", preflight.Header("Access-Control-Allow-Origin"));
            Assert.Equal("GET, POST, PUT, DELETE, HEAD, PATCH", preflight.Header("Access-Control-Allow-Methods"));
            Assert.Equal(AllowHeaders, preflight.Header("Access-Control-Allow-Headers"));
            Assert.Equal("*", get.Header("Access-Control-Allow-Origin"));
            Assert.Contains("ETag", get.Header("Access-Control-Expose-Headers"));
            Assert.Contains("Idempotent-Replayed", get.Header("Access-Control-Expose-Headers"));
        });
    }

    [Fact]
    public async Task CorsWithAnOriginListEchoesListedOriginsAndRefusesOthers()
    {
        await WithCorsAsync("https://a.example, https://Shop.Example", async () =>
        {
            var listed = await SendAsync(HttpMethod.Options, "/api/v1/livechat/visitor", "https://shop.example", ("Access-Control-Request-Method", "POST"));
            var other = await SendAsync(HttpMethod.Get, "/api/info", "https://evil.example");
            var otherPreflight = await SendAsync(HttpMethod.Options, "/api/v1/livechat/visitor", "https://evil.example", ("Access-Control-Request-Method", "POST"));
            var own = await SendAsync(HttpMethod.Get, "/api/info", "http://localhost");

            Assert.Equal(200, listed.Code);
            Assert.Equal("https://shop.example", listed.Header("Access-Control-Allow-Origin"));
            Assert.Equal("Origin", listed.Header("Vary"));
            other.Is(403, Refused);
            otherPreflight.Is(403, Refused);
            Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
            own.Is(200, """{"version":"0.1.0","success":true}""");
            Assert.Equal("http://localhost", own.Header("Access-Control-Allow-Origin"));
        });
    }

    [Fact]
    public async Task ErrorAnswersKeepTheCorsHeadersSoTheBrowserCanReadThem()
    {
        await WithCorsAsync("*", async () =>
        {
            var unauthorized = await SendAsync(HttpMethod.Get, "/api/v1/me", "https://shop.example");
            var badJson = await SendAsync(HttpMethod.Post, "/api/v1/livechat/visitor", "https://shop.example", body: "{\"visitor\":");

            Assert.Equal(401, unauthorized.Code);
            Assert.Equal("*", unauthorized.Header("Access-Control-Allow-Origin"));
            badJson.Is(400, """{"success":false,"error":"Invalid JSON body [error-invalid-json]","errorType":"error-invalid-json"}""");
            Assert.Equal("*", badJson.Header("Access-Control-Allow-Origin"));
        });
    }

    [Fact]
    public async Task EveryResponseForbidsSniffingAndFramingExceptTheWidget()
    {
        var api = await SendAsync(HttpMethod.Get, "/api/info");
        var notFound = await SendAsync(HttpMethod.Get, "/api/v1/no-such-route");
        var docs = await SendAsync(HttpMethod.Get, "/docs");
        var widget = await SendAsync(HttpMethod.Get, "/livechat");

        foreach (var reply in new[] { api, notFound, docs, widget })
        {
            Assert.Equal("nosniff", reply.Header("X-Content-Type-Options"));
        }
        Assert.Equal("SAMEORIGIN", api.Header("X-Frame-Options"));
        Assert.Equal("SAMEORIGIN", notFound.Header("X-Frame-Options"));
        Assert.Equal("SAMEORIGIN", docs.Header("X-Frame-Options"));
        Assert.False(widget.Headers.Contains("X-Frame-Options"));
    }

    async Task WithCorsAsync(string origins, Func<Task> test)
    {
        await factory.SetSettingAsync("API_CORS_Origin", origins);
        await factory.SetSettingAsync("API_Enable_CORS", true);
        try
        {
            await test();
        }
        finally
        {
            await factory.SetSettingAsync("API_Enable_CORS", false);
            await factory.SetSettingAsync("API_CORS_Origin", "*");
        }
    }

    Task<Reply> SendAsync(HttpMethod method, string path, string? origin = null, params (string Name, string Value)[] headers) =>
        SendAsync(method, path, origin, null, headers);

    Task<Reply> SendAsync(HttpMethod method, string path, string? origin, string? body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, path);
        if (origin is not null) request.Headers.Add("Origin", origin);
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        if (body is not null) request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        return factory.Anonymous().SendAsync(request);
    }
}

public sealed class SecurityHeadersSqliteTests(SqliteServerFactory factory) : SecurityHeadersTests<SqliteServerFactory>(factory);

public sealed class SecurityHeadersPostgresTests(PostgresServerFactory factory) : SecurityHeadersTests<PostgresServerFactory>(factory);
