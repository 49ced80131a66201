using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Client.Tests;

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
        Assert.Equal(me.Id, (await client.MeAsync()).Id);
    }
}

public sealed class SessionSqliteTests(SqliteServerFactory factory) : SessionTests<SqliteServerFactory>(factory);

public sealed class SessionPostgresTests(PostgresServerFactory factory) : SessionTests<PostgresServerFactory>(factory);
