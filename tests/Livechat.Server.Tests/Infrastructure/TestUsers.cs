using System.Collections.Concurrent;

namespace Livechat.Server.Tests.Infrastructure;

/// <summary>A user a test created, with a client logged in as that user.</summary>
public sealed record TestUser(string Id, string Username, string Password, ApiClient Api);

public static class TestUsers
{
    public const string Password = "pass-W0rd!";
    static readonly ConcurrentDictionary<LivechatServerFactory, (string Id, string Token)> AdminTokens = new();

    /// <summary>A client logged in as the bootstrap admin (one login per factory: PBKDF2 is slow on purpose).</summary>
    public static async Task<ApiClient> AdminAsync(this LivechatServerFactory factory)
    {
        if (!AdminTokens.TryGetValue(factory, out var admin))
        {
            var login = await factory.Anonymous().LoginAsync(LivechatServerFactory.AdminUsername, LivechatServerFactory.AdminPassword);
            admin = (login.UserId!, login.Token!);
            AdminTokens[factory] = admin;
        }
        return factory.Anonymous().As(admin.Id, admin.Token);
    }

    /// <summary>Creates a user with these roles (default <c>user</c>) and logs in as that user.</summary>
    public static async Task<TestUser> CreateUserAsync(this LivechatServerFactory factory, params string[] roles)
    {
        var admin = await factory.AdminAsync();
        var username = Unique("user");
        var reply = (await admin.PostAsync("users.create", new
        {
            username, email = $"{username}@example.com", name = $"Name {username}", password = Password,
            roles = roles.Length == 0 ? ["user"] : roles, verified = true,
        })).Ok();
        var id = reply.Json.GetProperty("user").GetProperty("_id").GetString()!;
        var api = await factory.Anonymous().LoginAsync(username, Password);
        return new TestUser(id, username, Password, api);
    }

    public static string Unique(string prefix) => $"{prefix}{Guid.NewGuid().ToString("N")[..10]}";
}
