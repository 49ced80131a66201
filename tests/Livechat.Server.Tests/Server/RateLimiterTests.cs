using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Server;

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

    static Task<Reply> GetFromAsync(ApiClient api, string path, string ip)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/{path}");
        request.Headers.Add("X-Forwarded-For", $"{ip}, 192.0.2.1");
        return api.SendAsync(request);
    }
}

public sealed class RateLimiterSqliteTests(SqliteServerFactory factory) : RateLimiterTests<SqliteServerFactory>(factory);

public sealed class RateLimiterPostgresTests(PostgresServerFactory factory) : RateLimiterTests<PostgresServerFactory>(factory);
