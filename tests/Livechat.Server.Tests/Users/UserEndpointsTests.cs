using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Users;

public abstract class UserEndpointsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task CreateUserAnswersTheUserDocument()
    {
        var admin = await factory.AdminAsync();
        var username = TestUsers.Unique("alice");

        var reply = await admin.PostAsync("users.create", new { username, email = $"  {username.ToUpperInvariant()}@Example.com ", name = "Alice", password = "pw" });

        reply.Ok();
        var user = reply.Json.GetProperty("user");
        Assert.Equal(["_id", "username", "name", "emails", "type", "status", "active", "roles", "createdAt", "_updatedAt"],
            user.EnumerateObject().Select(p => p.Name));
        Assert.Equal(17, user.GetProperty("_id").GetString()!.Length);
        Assert.Equal($$"""[{"address":"{{username}}@example.com","verified":false}]""", user.GetProperty("emails").GetRawText());
        Assert.Equal("user", user.GetProperty("type").GetString());
        Assert.Equal("offline", user.GetProperty("status").GetString());
        Assert.Equal("""["user"]""", user.GetProperty("roles").GetRawText());
        Assert.True(user.GetProperty("active").GetBoolean());
        (await factory.Anonymous().PostAsync("login", new { user = username, password = "pw" })).Ok();
    }

    [Fact]
    public async Task CreateUserValidatesLikeRocketChat()
    {
        var admin = await factory.AdminAsync();
        var taken = await factory.CreateUserAsync();
        var fresh = TestUsers.Unique("bob");

        (await admin.PostAsync("users.create", new { email = "a@b.io", name = "x", password = "x" }))
            .Is(400, """{"success":false,"error":"must have required property 'username' [invalid-params]","errorType":"invalid-params"}""");
        (await admin.PostAsync("users.create", new { email = "a@b.io", name = "x", password = "x", username = fresh, color = "red" }))
            .Is(400, """{"success":false,"error":"must NOT have additional properties [invalid-params]","errorType":"invalid-params"}""");
        (await admin.PostAsync("users.create", new { email = "a@b.io", name = "x", password = "x", username = fresh, roles = "admin" }))
            .Is(400, """{"success":false,"error":"must be array [invalid-params]","errorType":"invalid-params"}""");
        (await admin.PostAsync("users.create", new { email = "a@b.io", name = "x", password = "x", username = "bad name!" }))
            .Is(400, """{"success":false,"error":"bad name! is not a valid username, use only letters, numbers, dots, hyphens and underscores [error-input-is-not-a-valid-field]","errorType":"error-input-is-not-a-valid-field"}""");
        (await admin.PostAsync("users.create", new { email = "not-an-email", name = "x", password = "x", username = fresh }))
            .Is(400, """{"success":false,"error":"Invalid email not-an-email [error-invalid-email]","errorType":"error-invalid-email"}""");
        (await admin.PostAsync("users.create", new { email = "a@b.io", name = "x", password = "x", username = taken.Username.ToUpperInvariant() }))
            .Is(400, $$"""{"success":false,"error":"{{taken.Username.ToUpperInvariant()}} is already in use :( [error-field-unavailable]","errorType":"error-field-unavailable"}""");
        (await admin.PostAsync("users.create", new { email = $"{taken.Username}@EXAMPLE.com", name = "x", password = "x", username = fresh }))
            .Is(400, $$"""{"success":false,"error":"{{taken.Username}}@example.com is already in use :( [error-field-unavailable]","errorType":"error-field-unavailable"}""");
        (await admin.PostAsync("users.create", new { email = "a@b.io", name = "x", password = "x", username = fresh, roles = new[] { "no-such-role" } }))
            .Is(400, """{"success":false,"error":"Invalid role","errorType":"error-invalid-role"}""");
    }

    [Fact]
    public async Task CreateUserNeedsCreateUserPermissionAndAssignRolesForRoles()
    {
        var user = await factory.CreateUserAsync();
        var fresh = TestUsers.Unique("carol");

        (await user.Api.PostAsync("users.create", new { email = "c@d.io", name = "x", password = "x", username = fresh }))
            .Is(403, """{"success":false,"error":"User does not have the permissions required for this action [error-unauthorized]"}""");

        var admin = await factory.AdminAsync();
        (await admin.PostAsync("permissions.update", new { permissions = new[] { new { _id = "create-user", roles = new[] { "admin", "user" } } } })).Ok();
        try
        {
            (await user.Api.PostAsync("users.create", new { email = $"{fresh}@d.io", name = "x", password = "x", username = fresh, roles = new[] { "admin" } }))
                .Is(400, """{"success":false,"error":"Assign roles is not allowed [error-action-not-allowed]","errorType":"error-action-not-allowed"}""");
            (await user.Api.PostAsync("users.create", new { email = $"{fresh}@d.io", name = "x", password = "x", username = fresh })).Ok();
        }
        finally
        {
            (await admin.PostAsync("permissions.update", new { permissions = new[] { new { _id = "create-user", roles = new[] { "admin" } } } })).Ok();
        }
    }

    [Fact]
    public async Task UserInfoFindsByIdOrUsername()
    {
        var user = await factory.CreateUserAsync("user", "livechat-agent");

        var byId = (await user.Api.GetAsync($"users.info?userId={user.Id}")).Ok();
        var byName = (await user.Api.GetAsync($"users.info?username={user.Username}&fields=%7B%7D")).Ok();

        Assert.Equal(byId.Body, byName.Body);
        var doc = byId.Json.GetProperty("user");
        Assert.Equal(user.Id, doc.GetProperty("_id").GetString());
        Assert.Equal("""["user","livechat-agent"]""", doc.GetProperty("roles").GetRawText());
        Assert.False(doc.TryGetProperty("services", out _));
        Assert.DoesNotContain("passwordHash", byId.Body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task UserInfoErrors()
    {
        var user = await factory.CreateUserAsync();

        (await user.Api.GetAsync("users.info"))
            .Is(400, """{"success":false,"error":"must have required property 'userId' [invalid-params]","errorType":"invalid-params"}""");
        (await user.Api.GetAsync($"users.info?userId={user.Id}&username={user.Username}"))
            .Is(400, """{"success":false,"error":"must NOT have additional properties [invalid-params]","errorType":"invalid-params"}""");
        (await user.Api.GetAsync($"users.info?userId={user.Id}&other=1"))
            .Is(400, """{"success":false,"error":"must NOT have additional properties [invalid-params]","errorType":"invalid-params"}""");
        (await user.Api.GetAsync("users.info?userId=nobody"))
            .Is(400, """{"success":false,"error":"User not found."}""");
        Assert.Equal(401, (await factory.Anonymous().GetAsync($"users.info?userId={user.Id}")).Code);
    }
}

public sealed class UserEndpointsSqliteTests(SqliteServerFactory factory) : UserEndpointsTests<SqliteServerFactory>(factory);

public sealed class UserEndpointsPostgresTests(PostgresServerFactory factory) : UserEndpointsTests<PostgresServerFactory>(factory);
