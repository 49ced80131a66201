using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Security;

/// <summary>
/// A server process logging everything it can (every category at Trace, ASP.NET Core included) is driven through the
/// calls that carry secrets: logins, authenticated calls, a personal access token, the widget's visitor token in a
/// path and in a query string, and logout. None of the passwords or tokens appears in its output, while the request lines
/// that replace ASP.NET Core's URL lines do, masked.
/// </summary>
public sealed class LogSecretsTests
{
    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task NoPasswordOrTokenReachesTheLogAtTrace(string provider)
    {
        using var database = ServerDatabase.Create(provider);
        await using var server = await ServerProcess.StartAsync(database, new Dictionary<string, string>
        {
            ["Logging__LogLevel__Default"] = "Trace",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Trace",
            ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
            ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Trace",
        });
        var visitorToken = TestUsers.Unique("secret-visitor");
        var admin = await server.Api().LoginAsync(LivechatServerFactory.AdminUsername, LivechatServerFactory.AdminPassword);
        var username = TestUsers.Unique("agent");
        (await admin.PostAsync("users.create", new { username, email = $"{username}@example.com", name = username, password = TestUsers.Password })).Ok();
        (await admin.PostAsync("livechat/users/agent", new { username })).Ok();
        var agent = await server.Api().LoginAsync(username, TestUsers.Password);
        var personal = (await admin.PostAsync("users.generatePersonalAccessToken", new { tokenName = "logs", bypassTwoFactor = true })).Ok().Json.Str("token");
        (await server.Api().As(admin.UserId!, personal).GetAsync("me")).Ok();
        var anonymous = server.Api();
        (await anonymous.PostAsync("livechat/visitor", new { visitor = new { token = visitorToken, name = "Visitor" } })).Ok();
        (await anonymous.GetAsync($"livechat/visitor/{visitorToken}")).Ok();
        (await anonymous.GetAsync($"livechat/room?token={visitorToken}")).Ok();
        (await anonymous.GetAsync($"livechat/config?token={visitorToken}")).Ok();
        Assert.Equal(200, (await agent.PostAsync("logout", new { })).Code);
        (await admin.GetAsync("me")).Ok();
        await server.DisposeAsync();

        var output = server.Output;
        string[] secrets = [admin.Token!, agent.Token!, personal, visitorToken, LivechatServerFactory.AdminPassword, TestUsers.Password];
        var leaks = ServerProcess.LinesContaining(output, secrets).Take(10).ToList();
        Assert.True(leaks.Count == 0, "secrets in the log output:\n" + string.Join("\n", leaks));
        Assert.Contains("GET /api/v1/livechat/visitor/{token} answered 200", output, StringComparison.Ordinal);
        Assert.Contains("GET /api/v1/livechat/room?token=*** answered 200", output, StringComparison.Ordinal);
        Assert.Contains("POST /api/v1/login answered 200", output, StringComparison.Ordinal);
    }
}
