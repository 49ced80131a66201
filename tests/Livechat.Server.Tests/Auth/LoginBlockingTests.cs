using Livechat.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Livechat.Server.Tests.Auth;

/// <summary>Rocket.Chat's Block_Multiple_Failed_Logins_* rules. Each test uses its own client IP (its socket address).</summary>
public abstract class LoginBlockingTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    const string BlockedUser = """{"success":false,"status":"error","error":"error-login-blocked-for-user","message":"Login has been temporarily blocked For User"}""";
    const string BlockedIp = """{"success":false,"status":"error","error":"error-login-blocked-for-ip","message":"Login has been temporarily blocked For IP"}""";

    [Fact]
    public async Task UserIsBlockedAfterTooManyFailuresAndResumeStillWorks()
    {
        var admin = await factory.AdminAsync();
        var user = await factory.CreateUserAsync();
        await SetAsync(admin, "Block_Multiple_Failed_Logins_Attempts_Until_Block_by_User", 2);
        try
        {
            await LoginFromAsync("10.1.0.1", user.Username, "wrong");
            await LoginFromAsync("10.1.0.2", user.Username, "wrong");

            (await LoginFromAsync("10.1.0.3", user.Username, user.Password)).Is(401, BlockedUser);
            (await factory.Anonymous().PostAsync("login", new { resume = user.Api.Token })).Ok();
        }
        finally
        {
            await SetAsync(admin, "Block_Multiple_Failed_Logins_Attempts_Until_Block_by_User", 10);
        }
    }

    [Fact]
    public async Task SuccessfulLoginStartsTheUserCountAfresh()
    {
        var admin = await factory.AdminAsync();
        var user = await factory.CreateUserAsync();
        await SetAsync(admin, "Block_Multiple_Failed_Logins_Attempts_Until_Block_by_User", 2);
        try
        {
            await LoginFromAsync("10.2.0.1", user.Username, "wrong");
            (await LoginFromAsync("10.2.0.1", user.Username, user.Password)).Ok();
            await LoginFromAsync("10.2.0.1", user.Username, "wrong");

            (await LoginFromAsync("10.2.0.1", user.Username, user.Password)).Ok();
        }
        finally
        {
            await SetAsync(admin, "Block_Multiple_Failed_Logins_Attempts_Until_Block_by_User", 10);
        }
    }

    [Fact]
    public async Task IpIsBlockedBeforeTheUserAndWhitelistedIpsAreNot()
    {
        var admin = await factory.AdminAsync();
        var user = await factory.CreateUserAsync();
        await SetAsync(admin, "Block_Multiple_Failed_Logins_Attempts_Until_Block_By_Ip", 3);
        try
        {
            for (var i = 0; i < 3; i++)
            {
                (await LoginFromAsync("10.3.0.1", TestUsers.Unique("nobody"), "x"))
                    .Is(401, """{"success":false,"status":"error","error":"Unauthorized","message":"Unauthorized"}""");
            }

            (await LoginFromAsync("10.3.0.1", user.Username, user.Password)).Is(401, BlockedIp);
            (await LoginFromAsync("10.3.0.2", user.Username, user.Password)).Ok();

            await SetAsync(admin, "Block_Multiple_Failed_Logins_Ip_Whitelist", "10.9.9.9, 10.3.0.1");
            (await LoginFromAsync("10.3.0.1", user.Username, user.Password)).Ok();
        }
        finally
        {
            await SetAsync(admin, "Block_Multiple_Failed_Logins_Attempts_Until_Block_By_Ip", 50);
            await SetAsync(admin, "Block_Multiple_Failed_Logins_Ip_Whitelist", "");
        }
    }

    [Fact]
    public async Task BlockEndsAfterTheUnblockTime()
    {
        var user = await factory.CreateUserAsync();   // logs in once: the clock starts after that success
        // A second server on this database whose clock the test moves; its settings are written through it.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddSeconds(1));
        await using var timed = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        var admin = await new ApiClient(timed.CreateClient()).LoginAsync(LivechatServerFactory.AdminUsername, LivechatServerFactory.AdminPassword);
        await SetAsync(admin, "Block_Multiple_Failed_Logins_Attempts_Until_Block_by_User", 1);
        await SetAsync(admin, "Block_Multiple_Failed_Logins_Time_To_Unblock_By_User_In_Minutes", 5);
        try
        {
            await LoginFromAsync(timed, "10.4.0.1", user.Username, "wrong");
            var blocked = await LoginFromAsync(timed, "10.4.0.1", user.Username, user.Password);
            clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
            var stillBlocked = await LoginFromAsync(timed, "10.4.0.1", user.Username, user.Password);

            // A refused try counts as a failure too: the five minutes run from the latest one.
            clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

            blocked.Is(401, BlockedUser);
            stillBlocked.Is(401, BlockedUser);
            (await LoginFromAsync(timed, "10.4.0.1", user.Username, user.Password)).Ok();
        }
        finally
        {
            await SetAsync(admin, "Block_Multiple_Failed_Logins_Attempts_Until_Block_by_User", 10);
        }
    }

    [Fact]
    public async Task DisabledBlockingNeverBlocks()
    {
        var admin = await factory.AdminAsync();
        var user = await factory.CreateUserAsync();
        await SetAsync(admin, "Block_Multiple_Failed_Logins_Attempts_Until_Block_by_User", 1);
        await SetAsync(admin, "Block_Multiple_Failed_Logins_Enabled", false);
        try
        {
            await LoginFromAsync("10.5.0.1", user.Username, "wrong");
            await LoginFromAsync("10.5.0.1", user.Username, "wrong");

            (await LoginFromAsync("10.5.0.1", user.Username, user.Password)).Ok();
        }
        finally
        {
            await SetAsync(admin, "Block_Multiple_Failed_Logins_Attempts_Until_Block_by_User", 10);
            await SetAsync(admin, "Block_Multiple_Failed_Logins_Enabled", true);
        }
    }

    [Fact]
    public async Task SpoofedForwardingHeadersDoNotEscapeIpBlockingButAConfiguredProxysDo()
    {
        var admin = await factory.AdminAsync();
        var user = await factory.CreateUserAsync();
        await SetAsync(admin, "Block_Multiple_Failed_Logins_Attempts_Until_Block_By_Ip", 2);
        try
        {
            // The caller at 10.6.0.1 claims another address on every try: all of them count against 10.6.0.1.
            await LoginFromAsync(factory, "10.6.0.1", user.Username, "wrong", ("X-Real-IP", "203.0.113.1"), ("X-Forwarded-For", "203.0.113.1"));
            await LoginFromAsync(factory, "10.6.0.1", user.Username, "wrong", ("X-Real-IP", "203.0.113.2"), ("X-Forwarded-For", "203.0.113.2"));
            (await LoginFromAsync(factory, "10.6.0.1", user.Username, user.Password, ("X-Real-IP", "203.0.113.3"), ("X-Forwarded-For", "203.0.113.3")))
                .Is(401, BlockedIp);
            (await LoginFromAsync(factory, "10.6.0.2", user.Username, user.Password)).Ok();

            // Through a configured proxy, the forwarded address is the one blocked, not the proxy's.
            using var proxied = factory.BehindProxies(["10.9.9.9"], []);
            await LoginFromAsync(proxied, "10.9.9.9", user.Username, "wrong", ("X-Forwarded-For", "198.51.100.7"));
            await LoginFromAsync(proxied, "10.9.9.9", user.Username, "wrong", ("X-Forwarded-For", "198.51.100.7"));
            (await LoginFromAsync(proxied, "10.9.9.9", user.Username, user.Password, ("X-Forwarded-For", "198.51.100.7"))).Is(401, BlockedIp);
            (await LoginFromAsync(proxied, "10.9.9.9", user.Username, user.Password, ("X-Forwarded-For", "198.51.100.8"))).Ok();
            var blocked = await factory.WithDbAsync(db => db.LoginAttempts.Where(a => a.Username == user.Username && !a.Succeeded)
                .Select(a => a.Ip).Distinct().OrderBy(ip => ip).ToListAsync());
            Assert.Equal(["10.6.0.1", "198.51.100.7"], blocked);
        }
        finally
        {
            await SetAsync(admin, "Block_Multiple_Failed_Logins_Attempts_Until_Block_By_Ip", 50);
        }
    }

    [Fact]
    public async Task LoginAttemptsGoAfterTheirRetention()
    {
        var user = await factory.CreateUserAsync();
        await LoginFromAsync("10.7.0.1", user.Username, "wrong");
        var now = DateTime.UtcNow;
        Task<int> AttemptsAsync() => factory.WithDbAsync(db => db.LoginAttempts.CountAsync(a => a.Ip == "10.7.0.1"));

        await factory.WithDbAsync(db => global::Livechat.Server.Data.Housekeeping.RunOnceAsync(db, now.AddDays(29)));
        Assert.Equal(1, await AttemptsAsync());
        await factory.WithDbAsync(db => global::Livechat.Server.Data.Housekeeping.RunOnceAsync(db, now.AddDays(31)));
        Assert.Equal(0, await AttemptsAsync());
    }

    Task<Reply> LoginFromAsync(string ip, string user, string password) => LoginFromAsync(factory, ip, user, password);

    static Task<Reply> LoginFromAsync(WebApplicationFactory<Program> server, string ip, string user, string password,
        params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/login")
        {
            Content = JsonContent(new { user, password }),
        };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return server.From(ip).SendAsync(request);
    }

    static StringContent JsonContent(object body) =>
        new(System.Text.Json.JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    static async Task SetAsync(ApiClient admin, string id, object value) =>
        (await admin.PostAsync($"settings/{id}", new { value })).Is(200, """{"success":true}""");
}

public sealed class LoginBlockingSqliteTests(SqliteServerFactory factory) : LoginBlockingTests<SqliteServerFactory>(factory);

public sealed class LoginBlockingPostgresTests(PostgresServerFactory factory) : LoginBlockingTests<PostgresServerFactory>(factory);
