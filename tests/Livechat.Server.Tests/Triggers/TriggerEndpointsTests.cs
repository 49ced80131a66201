using System.Text.Json;
using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Triggers;

public abstract class TriggerEndpointsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    static object Body(string name, bool enabled = true, string? id = null, object? conditions = null, object? actions = null) => new
    {
        _id = id,
        name,
        description = "Greets visitors on the pricing page",
        enabled,
        runOnce = false,
        conditions = conditions ?? new[] { new { name = "page-url", value = "pricing" } },
        actions = actions ?? new[] { new { name = "send-message", @params = new { sender = "custom", msg = "Need help with prices?", name = "Paula" } } },
    };

    /// <summary>Saves through the REST route and finds the new trigger's id by its (unique) name.</summary>
    async Task<string> SaveAsync(string name, bool enabled = true)
    {
        var admin = await factory.AdminAsync();
        (await admin.PostAsync("livechat/triggers", Body(name, enabled))).Is(200, """{"success":true}""");
        return IdOf(await ListAsync(admin), name);
    }

    static async Task<JsonElement> ListAsync(ApiClient api) => (await api.GetAsync("livechat/triggers?count=0")).Ok().Json.GetProperty("triggers");

    static string IdOf(JsonElement triggers, string name) =>
        triggers.EnumerateArray().Single(t => t.GetProperty("name").GetString() == name).GetProperty("_id").GetString()!;

    [Fact]
    public async Task SavingATriggerStoresItAndGetAnswersRocketChatsDocument()
    {
        var admin = await factory.AdminAsync();
        var name = TestUsers.Unique("pricing");

        var id = await SaveAsync(name);

        Assert.Matches("^[0-9a-f]{24}$", id);
        var fetched = await admin.GetAsync($"livechat/triggers/{id}");
        var updatedAt = fetched.Json.GetProperty("trigger").GetProperty("_updatedAt").GetString();
        fetched.Is(200, $$$"""
            {"trigger":{"_id":"{{{id}}}","name":"{{{name}}}","description":"Greets visitors on the pricing page","enabled":true,"runOnce":false,
            "conditions":[{"name":"page-url","value":"pricing"}],
            "actions":[{"name":"send-message","params":{"sender":"custom","msg":"Need help with prices?","name":"Paula"}}],
            "_updatedAt":"{{{updatedAt}}}"},"success":true}
            """);
    }

    [Fact]
    public async Task SavingWithAnIdReplacesTheTriggerAndDeleteRemovesIt()
    {
        var admin = await factory.AdminAsync();
        var id = await SaveAsync(TestUsers.Unique("old"));
        var name = TestUsers.Unique("new");

        var replaced = await admin.PostAsync("livechat/triggers", Body(name, enabled: false, id: id,
            conditions: new[] { new { name = "time-on-site", value = "30" } },
            actions: new[] { new { name = "send-message", @params = new { sender = "queue", msg = "Still looking?" } } }));
        var afterReplace = (await admin.GetAsync($"livechat/triggers/{id}")).Ok().Json.GetProperty("trigger");
        var deleted = await admin.DeleteAsync($"livechat/triggers/{id}");
        var afterDelete = await admin.GetAsync($"livechat/triggers/{id}");
        var deletedAgain = await admin.DeleteAsync($"livechat/triggers/{id}");

        replaced.Is(200, """{"success":true}""");
        Assert.Equal(name, afterReplace.GetProperty("name").GetString());
        Assert.False(afterReplace.GetProperty("enabled").GetBoolean());
        Assert.Equal("""[{"name":"time-on-site","value":"30"}]""", afterReplace.GetProperty("conditions").GetRawText());
        Assert.Equal("""[{"name":"send-message","params":{"sender":"queue","msg":"Still looking?"}}]""", afterReplace.GetProperty("actions").GetRawText());
        deleted.Is(200, """{"success":true}""");
        afterDelete.Is(200, """{"trigger":null,"success":true}""");
        deletedAgain.Is(200, """{"success":true}""");
    }

    [Fact]
    public async Task ListingPagesAndSortsByNameByDefault()
    {
        var admin = await factory.AdminAsync();
        var prefix = TestUsers.Unique("zz");
        await SaveAsync($"{prefix}-b");
        await SaveAsync($"{prefix}-a");

        var all = (await admin.GetAsync("livechat/triggers?count=0")).Ok().Json;
        var page = (await admin.GetAsync("livechat/triggers?count=1&offset=0&sort={\"name\":-1}")).Ok().Json;

        var names = all.GetProperty("triggers").EnumerateArray().Select(t => t.GetProperty("name").GetString()!).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.True(names.IndexOf($"{prefix}-a") < names.IndexOf($"{prefix}-b"));
        Assert.Equal(["triggers", "count", "offset", "total", "success"], all.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, page.GetProperty("count").GetInt32());
        Assert.Equal(all.GetProperty("total").GetInt32(), page.GetProperty("total").GetInt32());
        Assert.Equal(names.Max(StringComparer.Ordinal), page.GetProperty("triggers")[0].GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("""{}""", "must have required property 'name' [invalid-params]", "invalid-params")]
    [InlineData("""{"name":"t","description":"","enabled":true,"runOnce":false,"conditions":[],"actions":[{"name":"send-message","params":{"sender":"queue","msg":"hi"}}]}""",
        "must NOT have fewer than 1 items [invalid-params]", "invalid-params")]
    [InlineData("""{"name":"t","description":"","enabled":true,"runOnce":false,"conditions":[{"name":"on-click","value":"x"}],"actions":[]}""",
        "must be equal to one of the allowed values [invalid-params]", "invalid-params")]
    [InlineData("""{"name":"t","description":"","enabled":true,"runOnce":false,"conditions":[{"name":"page-url"}],"actions":[]}""",
        "must have required property 'value' [invalid-params]", "invalid-params")]
    [InlineData("""{"name":"t","description":"","enabled":true,"runOnce":false,"conditions":[{"name":"page-url","value":"x"}],"actions":[{"name":"use-external-service","params":{}}]}""",
        "must be equal to one of the allowed values [invalid-params]", "invalid-params")]
    [InlineData("""{"name":"t","description":"","enabled":true,"runOnce":false,"conditions":[{"name":"page-url","value":"x"}],"actions":[{"name":"send-message","params":{"sender":"bot","msg":"hi"}}]}""",
        "must be equal to one of the allowed values [invalid-params]", "invalid-params")]
    [InlineData("""{"name":"t","description":"","enabled":true,"runOnce":false,"conditions":[{"name":"page-url","value":"x"}],"actions":[{"name":"send-message"}]}""",
        "must have required property 'params' [invalid-params]", "invalid-params")]
    [InlineData("""{"name":"t","description":"","enabled":true,"runOnce":false,"conditions":[{"name":"page-url","value":"x"}],"actions":[{"name":"send-message","params":{"sender":"queue","msg":"hi","extra":1}}]}""",
        "must NOT have additional properties [invalid-params]", "invalid-params")]
    [InlineData("""{"name":"t","description":"","enabled":true,"runOnce":false,"conditions":[{"name":"time-on-site","value":"soon"}],"actions":[{"name":"send-message","params":{"sender":"queue","msg":"hi"}}]}""",
        "The time-on-site value must be a whole number of seconds [error-invalid-trigger-condition]", "error-invalid-trigger-condition")]
    [InlineData("""{"name":"t","description":"","enabled":true,"runOnce":false,"conditions":[{"name":"page-url","value":"(unclosed"}],"actions":[{"name":"send-message","params":{"sender":"queue","msg":"hi"}}]}""",
        "The page-url value must be a regular expression [error-invalid-trigger-condition]", "error-invalid-trigger-condition")]
    [InlineData("""{"_id":"0123456789abcdef01234567","name":"t","description":"","enabled":true,"runOnce":false,"conditions":[{"name":"chat-opened-by-visitor","value":null}],"actions":[{"name":"send-message","params":{"sender":"queue","msg":"hi"}}]}""",
        "Trigger not found [error-trigger-not-found]", "error-trigger-not-found")]
    public async Task SavingAnInvalidTriggerAnswersTheErrorAndWritesNothing(string body, string error, string errorType)
    {
        var admin = await factory.AdminAsync();
        var before = (await admin.GetAsync("livechat/triggers?count=0")).Ok().Json.GetProperty("total").GetInt32();

        var reply = await admin.PostRawAsync("livechat/triggers", body);

        reply.Is(400, JsonSerializer.Serialize(new { success = false, error, errorType }));
        Assert.Equal(before, (await admin.GetAsync("livechat/triggers?count=0")).Ok().Json.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task LivechatConfigServesOnlyTheEnabledTriggersInRocketChatsProjection()
    {
        var enabled = await SaveAsync(TestUsers.Unique("on"));
        var disabled = await SaveAsync(TestUsers.Unique("off"), enabled: false);

        var triggers = (await factory.Anonymous().GetAsync("livechat/config")).Ok().Json.GetProperty("config").GetProperty("triggers");

        var ids = triggers.EnumerateArray().Select(t => t.GetProperty("_id").GetString()).ToList();
        Assert.Contains(enabled, ids);
        Assert.DoesNotContain(disabled, ids);
        var served = triggers.EnumerateArray().Single(t => t.GetProperty("_id").GetString() == enabled);
        var expected = $$$"""
            {"_id":"{{{enabled}}}","actions":[{"name":"send-message","params":{"sender":"custom","msg":"Need help with prices?","name":"Paula"}}],
            "conditions":[{"name":"page-url","value":"pricing"}],"runOnce":false}
            """;
        Assert.Equal(JsonSerializer.Serialize(JsonDocument.Parse(expected).RootElement), JsonSerializer.Serialize(served));
    }

    [Fact]
    public async Task TriggerRoutesAnswer403WithoutThePermissionsAndMonitorsOnlyRead()
    {
        var agent = await factory.CreateUserAsync("user", "livechat-agent");
        var monitor = await factory.CreateUserAsync("user", "livechat-monitor");
        var manager = await factory.CreateUserAsync("user", "livechat-manager");
        var id = await SaveAsync(TestUsers.Unique("perm"));

        (await agent.Api.GetAsync("livechat/triggers")).Is(403, TestData.Forbidden);
        (await agent.Api.GetAsync($"livechat/triggers/{id}")).Is(403, TestData.Forbidden);
        (await monitor.Api.GetAsync($"livechat/triggers/{id}")).Ok();
        (await monitor.Api.PostAsync("livechat/triggers", Body("by monitor"))).Is(403, TestData.Forbidden);
        (await monitor.Api.DeleteAsync($"livechat/triggers/{id}")).Is(403, TestData.Forbidden);
        (await manager.Api.PostAsync("livechat/triggers", Body(TestUsers.Unique("by-manager")))).Is(200, """{"success":true}""");
        (await factory.Anonymous().GetAsync("livechat/triggers")).Is(401,
            """{"success":false,"error":"You must be logged in to do this.","status":"error","message":"You must be logged in to do this."}""");
    }

    [Fact]
    public async Task TheAdminScreensDdpMethodsSaveAndRemoveTriggers()
    {
        var admin = await factory.CreateUserAsync("user", "admin");
        var monitor = await factory.CreateUserAsync("user", "livechat-monitor");
        await using var ddp = await DdpClient.LoginAsync(factory, admin);
        await using var monitorDdp = await DdpClient.LoginAsync(factory, monitor);
        var name = TestUsers.Unique("ddp");

        var saved = await ddp.CallAsync("livechat:saveTrigger", Body(name));
        var id = IdOf(await ListAsync(admin.Api), name);
        var invalid = await ddp.CallAsync("livechat:saveTrigger", new { name, description = "", enabled = true, runOnce = false, conditions = Array.Empty<object>(), actions = Array.Empty<object>() });
        var unknown = await ddp.CallAsync("livechat:saveTrigger", Body(name, id: "0123456789abcdef01234567"));
        var refused = await monitorDdp.CallAsync("livechat:removeTrigger", id);
        var removed = await ddp.CallAsync("livechat:removeTrigger", id);

        Assert.Equal("true", saved["result"]!.ToJsonString());
        Assert.Equal("""{"isClientSafe":true,"error":400,"reason":"Match failed","message":"Match failed [400]","errorType":"Meteor.Error"}""", invalid["error"]!.ToJsonString());
        Assert.Equal("""{"isClientSafe":true,"error":"error-trigger-not-found","reason":"Trigger not found","message":"Trigger not found [error-trigger-not-found]","errorType":"Meteor.Error"}""",
            unknown["error"]!.ToJsonString());
        Assert.Equal("error-not-allowed", (string?)refused["error"]!["error"]);
        Assert.Equal("true", removed["result"]!.ToJsonString());
        (await admin.Api.GetAsync($"livechat/triggers/{id}")).Is(200, """{"trigger":null,"success":true}""");
    }
}

public sealed class TriggerEndpointsSqliteTests(SqliteServerFactory factory) : TriggerEndpointsTests<SqliteServerFactory>(factory);

public sealed class TriggerEndpointsPostgresTests(PostgresServerFactory factory) : TriggerEndpointsTests<PostgresServerFactory>(factory);
