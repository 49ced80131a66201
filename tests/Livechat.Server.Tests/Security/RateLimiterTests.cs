using Livechat.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Livechat.Server.Tests.Security;

/// <summary>The limiter is switched off for tests at start-up; this class switches it on for its own server.</summary>
public abstract class RateLimiterTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task RateLimiterCountsPerRouteAndAnswers429()
    {
        var admin = await factory.AdminAsync();
        var user = await factory.CreateUserAsync();
        (await admin.PostAsync("settings/API_Enable_Rate_Limiter_Limit_Calls_Default", new { value = 3 })).Ok();
        (await admin.PostAsync("settings/API_Enable_Rate_Limiter", new { value = true })).Ok();
        try
        {
            var replies = new List<Reply>();
            for (var i = 0; i < 4; i++)
            {
                replies.Add(await GetFromAsync(user.Api, "me", "10.20.0.1"));
            }

            Assert.Equal(["3", "3", "3"], replies.Take(3).Select(r => r.Headers.GetValues("X-RateLimit-Limit").Single()));
            Assert.Equal(["2", "1", "0"], replies.Take(3).Select(r => r.Headers.GetValues("X-RateLimit-Remaining").Single()));
            var reset = long.Parse(replies[0].Headers.GetValues("X-RateLimit-Reset").Single(), System.Globalization.CultureInfo.InvariantCulture);
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            Assert.InRange(reset, now + 50_000, now + 61_000);
            Assert.Matches("""^\{"success":false,"error":"Error, too many requests\. Please slow down\. You must wait (59|60) seconds before trying this endpoint again\. \[error-too-many-requests\]"\}$""", replies[3].Body);
            Assert.Equal(429, replies[3].Code);

            (await GetFromAsync(user.Api, "me", "10.20.0.2")).Ok();
            (await GetFromAsync(user.Api, "users.info?userId=" + user.Id, "10.20.0.1")).Ok();
            for (var i = 0; i < 5; i++)
            {
                (await GetFromAsync(admin, "me", "10.20.0.1")).Ok();
            }
        }
        finally
        {
            (await admin.PostAsync("settings/API_Enable_Rate_Limiter", new { value = false })).Ok();
            (await admin.PostAsync("settings/API_Enable_Rate_Limiter_Limit_Calls_Default", new { value = 10 })).Ok();
        }
    }

    [Fact]
    public async Task SpoofedForwardingHeadersDoNotChangeThePartitionButAConfiguredProxysDo()
    {
        var admin = await factory.AdminAsync();
        var user = await factory.CreateUserAsync();
        // A second process that trusts one proxy address and one network; it starts before the limiter is switched on
        // (a start writes the start-up settings), and each process is told of the switch so neither waits for its cache.
        using var proxied = factory.BehindProxies(["10.9.9.9"], ["10.8.0.0/16"]);
        var proxiedAdmin = proxied.From("127.0.0.1").As(admin.UserId!, admin.Token!);
        foreach (var api in new[] { admin, proxiedAdmin })
        {
            (await api.PostAsync("settings/API_Enable_Rate_Limiter_Limit_Calls_Default", new { value = 3 })).Ok();
            (await api.PostAsync("settings/API_Enable_Rate_Limiter", new { value = true })).Ok();
        }
        try
        {
            // A direct caller rotating X-Forwarded-For and X-Real-IP (30 KB of fresh text each time) stays in its one window.
            var spoofed = new List<Reply>();
            for (var i = 0; i < 4; i++)
            {
                var fake = $"198.51.100.{i + 1}, {new string((char)('a' + i), 30_000)}";
                spoofed.Add(await GetFromAsync(user.Api, "me", "10.30.0.1", ("X-Forwarded-For", fake), ("X-Real-IP", $"203.0.113.{i + 1}")));
            }
            Assert.Equal([200, 200, 200, 429], spoofed.Select(r => r.Code));

            // Behind a configured proxy (by address or by network), the forwarded client address is the partition.
            var viaProxy = new List<Reply>();
            for (var i = 0; i < 4; i++)
            {
                viaProxy.Add(await GetFromAsync(proxied, user.Api, "me", "10.9.9.9", ("X-Forwarded-For", "198.51.100.20")));
            }
            Assert.Equal([200, 200, 200, 429], viaProxy.Select(r => r.Code));
            (await GetFromAsync(proxied, user.Api, "me", "10.9.9.9", ("X-Forwarded-For", "198.51.100.21"))).Ok();
            (await GetFromAsync(proxied, user.Api, "me", "10.8.4.4", ("X-Forwarded-For", "198.51.100.22, 10.9.9.9"))).Ok();
            // The same proxy's own requests, without a forward, are the proxy's partition; a forward through an unknown hop stops there.
            (await GetFromAsync(proxied, user.Api, "me", "10.9.9.9")).Ok();
            for (var i = 0; i < 3; i++)
            {
                (await GetFromAsync(proxied, user.Api, "me", "10.9.9.9", ("X-Forwarded-For", $"198.51.100.{30 + i}, 192.0.2.50"))).Ok();
            }
            Assert.Equal(429, (await GetFromAsync(proxied, user.Api, "me", "10.9.9.9", ("X-Forwarded-For", "198.51.100.39, 192.0.2.50"))).Code);
        }
        finally
        {
            (await admin.PostAsync("settings/API_Enable_Rate_Limiter", new { value = false })).Ok();
            (await admin.PostAsync("settings/API_Enable_Rate_Limiter_Limit_Calls_Default", new { value = 10 })).Ok();
        }
    }

    Task<Reply> GetFromAsync(ApiClient api, string path, string ip, params (string Name, string Value)[] headers) =>
        GetFromAsync(factory, api, path, ip, headers);

    static Task<Reply> GetFromAsync(WebApplicationFactory<Program> server, ApiClient api, string path, string ip, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/{path}");
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return server.From(ip).As(api.UserId!, api.Token!).SendAsync(request);
    }
}

public sealed class RateLimiterSqliteTests(SqliteServerFactory factory) : RateLimiterTests<SqliteServerFactory>(factory);

public sealed class RateLimiterPostgresTests(PostgresServerFactory factory) : RateLimiterTests<PostgresServerFactory>(factory);
