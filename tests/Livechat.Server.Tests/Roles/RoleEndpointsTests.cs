using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Roles;

public abstract class RoleEndpointsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task RolesListHasTheDefaultRoles()
    {
        var user = await factory.CreateUserAsync();

        var reply = (await user.Api.GetAsync("roles.list")).Ok();

        var roles = reply.Json.GetProperty("roles").EnumerateArray().ToList();
        Assert.Equal(
            new[] { "admin", "anonymous", "app", "bot", "guest", "leader", "livechat-agent", "livechat-manager", "livechat-monitor", "moderator", "owner", "user" },
            roles.Select(r => r.GetProperty("_id").GetString()).Order(StringComparer.Ordinal));
        var admin = roles.Single(r => r.GetProperty("_id").GetString() == "admin");
        Assert.Equal(["_id", "name", "scope", "description", "protected", "mandatory2fa", "_updatedAt"], admin.EnumerateObject().Select(p => p.Name));
        Assert.Equal("""{"_id":"admin","name":"admin","scope":"Users","description":"Admin","protected":true,"mandatory2fa":false}""",
            Without(admin, "_updatedAt"));
        Assert.Equal("""{"_id":"moderator","name":"moderator","scope":"Subscriptions","description":"Moderator","protected":true,"mandatory2fa":false}""",
            Without(roles.Single(r => r.GetProperty("_id").GetString() == "moderator"), "_updatedAt"));
    }

    [Theory]
    [InlineData("view-l-room", """["livechat-manager","livechat-monitor","livechat-agent","admin"]""")]
    [InlineData("save-others-livechat-room-info", """["livechat-manager","livechat-monitor","admin"]""")]
    [InlineData("change-livechat-room-visitor", """["admin","livechat-manager","livechat-agent"]""")]
    [InlineData("manage-livechat-tags", """["admin","livechat-manager"]""")]
    [InlineData("api-bypass-rate-limit", """["admin","bot","app"]""")]
    [InlineData("create-personal-access-tokens", """["admin","user"]""")]
    [InlineData("edit-privileged-setting", """["admin"]""")]
    public async Task PermissionsListAllShowsTheDefaultRoleLists(string permission, string roles)
    {
        var user = await factory.CreateUserAsync();

        var reply = (await user.Api.GetAsync("permissions.listAll")).Ok();

        Assert.Equal("[]", reply.Json.GetProperty("remove").GetRawText());
        var entry = reply.Json.GetProperty("update").EnumerateArray().Single(p => p.GetProperty("_id").GetString() == permission);
        Assert.Equal(["_id", "roles", "_updatedAt"], entry.EnumerateObject().Select(p => p.Name));
        Assert.Equal(roles, entry.GetProperty("roles").GetRawText());
        Assert.True(reply.Json.GetProperty("update").GetArrayLength() >= 56);
    }

    [Fact]
    public async Task PermissionsUpdateReplacesRolesAndAppliesToTheNextRequest()
    {
        var admin = await factory.AdminAsync();
        var user = await factory.CreateUserAsync();
        var before = DateTime.UtcNow.AddSeconds(-1).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        (await user.Api.GetAsync("roles.list")).Ok();
        (await user.Api.PostAsync("users.generatePersonalAccessToken", new { tokenName = "a" })).Ok();

        var reply = await admin.PostAsync("permissions.update", new { permissions = new[] { new { _id = "create-personal-access-tokens", roles = new[] { "admin" } } } });
        try
        {
            reply.Ok();
            var updated = reply.Json.GetProperty("permissions").EnumerateArray().Single(p => p.GetProperty("_id").GetString() == "create-personal-access-tokens");
            Assert.Equal("""["admin"]""", updated.GetProperty("roles").GetRawText());
            (await user.Api.PostAsync("users.generatePersonalAccessToken", new { tokenName = "b" }))
                .Is(400, """{"success":false,"error":"Not Authorized [not-authorized]","errorType":"not-authorized"}""");

            var since = (await user.Api.GetAsync($"permissions.listAll?updatedSince={before}")).Ok();
            Assert.Contains(since.Json.GetProperty("update").EnumerateArray(), p => p.GetProperty("_id").GetString() == "create-personal-access-tokens");
            Assert.DoesNotContain(since.Json.GetProperty("update").EnumerateArray(), p => p.GetProperty("_id").GetString() == "view-l-room");
        }
        finally
        {
            (await admin.PostAsync("permissions.update", new { permissions = new[] { new { _id = "create-personal-access-tokens", roles = new[] { "admin", "user" } } } })).Ok();
        }
    }

    [Fact]
    public async Task PermissionsUpdateRejectsBadInputAndChangesNothing()
    {
        var admin = await factory.AdminAsync();
        const string invalidBody = """{"success":false,"error":"Invalid body params","errorType":"error-invalid-body-params"}""";

        (await admin.PostAsync("permissions.update", new { })).Is(400, invalidBody);
        (await admin.PostAsync("permissions.update", new { permissions = new[] { new { _id = "view-l-room" } } })).Is(400, invalidBody);
        (await admin.PostAsync("permissions.update", new { permissions = new object[] { new { _id = 5, roles = new[] { "admin" } } } })).Is(400, invalidBody);
        (await admin.PostAsync("permissions.update", new { permissions = new object[] { new { _id = "view-l-room", roles = new object[] { 1 } } } })).Is(400, invalidBody);
        (await admin.PostAsync("permissions.update", new { permissions = new[] { new { _id = "view-l-room", roles = new[] { "admin" } }, new { _id = "no-such", roles = new[] { "admin" } } } }))
            .Is(400, """{"success":false,"error":"Invalid permission","errorType":"error-invalid-permission"}""");
        (await admin.PostAsync("permissions.update", new { permissions = new[] { new { _id = "view-l-room", roles = new[] { "admin" } }, new { _id = "view-l-room", roles = new[] { "nope" } } } }))
            .Is(400, """{"success":false,"error":"Invalid role","errorType":"error-invalid-role"}""");

        var list = (await admin.GetAsync("permissions.listAll")).Ok();
        var viewLRoom = list.Json.GetProperty("update").EnumerateArray().Single(p => p.GetProperty("_id").GetString() == "view-l-room");
        Assert.Equal("""["livechat-manager","livechat-monitor","livechat-agent","admin"]""", viewLRoom.GetProperty("roles").GetRawText());
    }

    [Fact]
    public async Task RoleChangesApplyToTheVeryNextRequestOfALoggedInUser()
    {
        var admin = await factory.AdminAsync();
        var user = await factory.CreateUserAsync();
        var mine = $"livechat/rooms?agents[]={user.Id}";
        (await user.Api.GetAsync(mine)).Is(403, """{"success":false,"error":"unauthorized"}""");

        (await admin.PostAsync("livechat/users/agent", new { username = user.Username })).Ok();
        (await user.Api.GetAsync(mine)).Ok();

        (await admin.DeleteAsync($"livechat/users/agent/{user.Id}")).Ok();
        (await user.Api.GetAsync(mine)).Is(403, """{"success":false,"error":"unauthorized"}""");
    }

    [Fact]
    public async Task PermissionsUpdateNeedsAccessPermissions()
    {
        var user = await factory.CreateUserAsync();

        (await user.Api.PostAsync("permissions.update", new { permissions = new[] { new { _id = "view-l-room", roles = new[] { "user" } } } }))
            .Is(403, """{"success":false,"error":"User does not have the permissions required for this action [error-unauthorized]"}""");
    }

    [Fact]
    public async Task PermissionsListAllRejectsAnUnparsableDate()
    {
        var user = await factory.CreateUserAsync();

        (await user.Api.GetAsync("permissions.listAll?updatedSince=yesterday"))
            .Is(400, """{"success":false,"error":"The \"updatedSince\" query parameter must be a valid date. [error-roomId-param-invalid]","errorType":"error-roomId-param-invalid"}""");
    }

    static string Without(System.Text.Json.JsonElement element, string name)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(element.GetRawText())!.AsObject();
        node.Remove(name);
        return node.ToJsonString();
    }
}

public sealed class RoleEndpointsSqliteTests(SqliteServerFactory factory) : RoleEndpointsTests<SqliteServerFactory>(factory);

public sealed class RoleEndpointsPostgresTests(PostgresServerFactory factory) : RoleEndpointsTests<PostgresServerFactory>(factory);
