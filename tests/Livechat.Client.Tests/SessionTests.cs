using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Client.Tests;

/// <summary>Login, resume, logout and <c>me</c> through <see cref="LivechatClient"/>.</summary>
public abstract class SessionTests<TFactory>(TFactory factory) : IClassFixture<TFactory>
    where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task LoginSetsTheSessionAndRaisesSessionChanged()
    {
        using var client = factory.Client();
        SessionChangedEventArgs? changed = null;
        client.SessionChanged += (_, e) => changed = e;

        var me = await client.LoginAsync(LivechatServerFactory.AdminUsername, LivechatServerFactory.AdminPassword);

        Assert.True(client.IsLoggedIn);
        Assert.Equal(LivechatServerFactory.AdminUsername, me.Username);
        Assert.Contains("admin", me.Roles);
        Assert.Equal(me.Id, client.UserId);
        Assert.Equal(43, client.AuthToken!.Length);
        Assert.Equal(client.Session, changed!.Session);
        Assert.Equal(me, changed.Me);
        Assert.Equal(me.Id, (await client.MeAsync()).Id);
    }

    [Fact]
    public async Task LoginWithEmailWorksAndAWrongPasswordThrowsTheServersMessage()
    {
        var user = await factory.CreateUserAsync();
        using var client = factory.Client();

        var error = await Assert.ThrowsAsync<LivechatApiException>(() => client.LoginAsync(user.Username, "wrong-password"));
        var me = await client.LoginAsync($"{user.Username}@example.com", user.Password);

        Assert.Equal(401, error.Status);
        Assert.Equal("Incorrect password", error.Error);
        Assert.True(error.IsUnauthorized);
        Assert.Equal(user.Id, me.Id);
    }

    [Fact]
    public async Task ResumeChecksTheStoredTokenWithMe()
    {
        using var first = factory.Client();
        var me = await first.LoginAsync(LivechatServerFactory.AdminUsername, LivechatServerFactory.AdminPassword);
        using var reloaded = factory.Client();

        var resumed = await reloaded.ResumeAsync(first.UserId!, first.AuthToken!);

        Assert.Equal(me.Id, resumed.Id);
        Assert.True(reloaded.IsLoggedIn);
        Assert.Equal(me.Id, reloaded.CurrentUser!.Id);
    }

    [Fact]
    public async Task ResumeWithAnUnknownTokenThrows401AndLeavesTheClientLoggedOut()
    {
        var user = await factory.CreateUserAsync();
        using var client = factory.Client();

        var error = await Assert.ThrowsAsync<LivechatApiException>(() => client.ResumeAsync(user.Id, "not-a-token"));

        Assert.Equal(401, error.Status);
        Assert.Equal("You must be logged in to do this.", error.Error);
        Assert.False(client.IsLoggedIn);
        Assert.Null(client.CurrentUser);
    }

    [Fact]
    public async Task LogoutEndsTheTokenOnTheServerAndRaisesSessionChanged()
    {
        var user = await factory.CreateUserAsync();
        using var client = factory.Client();
        await client.LoginAsync(user.Username, user.Password);
        var (id, token) = (client.UserId!, client.AuthToken!);
        var events = new List<SessionChangedEventArgs>();
        client.SessionChanged += (_, e) => events.Add(e);

        await client.LogoutAsync();

        Assert.False(client.IsLoggedIn);
        Assert.Null(Assert.Single(events).Session);
        using var other = factory.Client();
        var error = await Assert.ThrowsAsync<LivechatApiException>(() => other.ResumeAsync(id, token));
        Assert.Equal(401, error.Status);
    }

    [Fact]
    public async Task ARefusedTokenEndsTheSession()
    {
        var user = await factory.CreateUserAsync();
        using var client = factory.Client();
        await client.LoginAsync(user.Username, user.Password);
        using var elsewhere = factory.Client();
        await elsewhere.ResumeAsync(client.UserId!, client.AuthToken!);
        await elsewhere.LogoutAsync();
        var events = new List<SessionChangedEventArgs>();
        client.SessionChanged += (_, e) => events.Add(e);

        var error = await Assert.ThrowsAsync<LivechatApiException>(() => client.MeAsync());
        await client.LogoutAsync();

        Assert.Equal(401, error.Status);
        Assert.False(client.IsLoggedIn);
        Assert.Null(Assert.Single(events).Session);
    }

    [Fact]
    public async Task RefusalsCarryStatusErrorAndErrorType()
    {
        var agent = await factory.CreateAgentAsync();
        using var client = await factory.ClientAsync(agent);
        var refusals = new List<ForbiddenEventArgs>();
        client.Forbidden += (_, e) => refusals.Add(e);

        var forbidden = await Assert.ThrowsAsync<LivechatApiException>(() => client.Tags.SaveAsync(null, TestUsers.Unique("tag")));
        var invalid = await Assert.ThrowsAsync<LivechatApiException>(() => client.Rooms.GetAsync("no-such-room"));
        var notFound = await Assert.ThrowsAsync<LivechatApiException>(() => client.Slas.GetAsync("000000000000000000000000"));

        Assert.Equal((403, "User does not have the permissions required for this action [error-unauthorized]", null),
            (forbidden.Status, forbidden.Error, forbidden.ErrorType));
        Assert.True(forbidden.IsForbidden);
        // Only the 403 raises Forbidden, with the refused request and the exception the caller catches.
        var refusal = Assert.Single(refusals);
        Assert.Equal(("POST", "livechat/tags.save"), (refusal.Method, refusal.Path));
        Assert.Same(forbidden, refusal.Error);
        Assert.Equal(400, invalid.Status);
        Assert.Equal("error-room-not-found", invalid.ErrorType);
        Assert.StartsWith("The required \"roomId\" or \"roomName\" param provided does not match any channel", invalid.Error, StringComparison.Ordinal);
        Assert.Equal((404, "SLA with id 000000000000000000000000 not found"), (notFound.Status, notFound.Error));
    }
}

public sealed class SessionSqliteTests(SqliteServerFactory factory) : SessionTests<SqliteServerFactory>(factory);

public sealed class SessionPostgresTests(PostgresServerFactory factory) : SessionTests<PostgresServerFactory>(factory);
