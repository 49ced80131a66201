using System.Text.Json;
using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.CannedResponses;

public abstract class CannedResponseEndpointsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    const string Saved = """{"success":true}""";

    static string Coded(string code, string reason) => JsonSerializer.Serialize(new { success = false, error = $"{reason} [{code}]", errorType = code });

    async Task<string> DepartmentAsync(params TestUser[] agents)
    {
        var admin = await factory.AdminAsync();
        var reply = await admin.PostAsync("livechat/department", new
        {
            department = new { enabled = true, name = TestUsers.Unique("Desk"), email = "desk@example.com", showOnRegistration = true, showOnOfflineForm = true },
            agents = agents.Select(a => new { agentId = a.Id }).ToArray(),
        });
        return reply.Ok().Json.GetProperty("department").GetProperty("_id").GetString()!;
    }

    async Task<TestUser> AgentAsync() => await factory.CreateUserAsync("user", "livechat-agent");

    /// <summary>Saves and answers the new response's id, found by its (unique) shortcut.</summary>
    static async Task<string> SaveAsync(ApiClient api, string shortcut, string scope, string? departmentId = null, string[]? tags = null,
        string text = "Thanks for waiting!")
    {
        (await api.PostAsync("canned-responses", new { shortcut, text, scope, departmentId, tags })).Is(200, Saved);
        return (await api.GetAsync($"canned-responses?shortcut={Uri.EscapeDataString(shortcut)}")).Ok()
            .Json.GetProperty("cannedResponses")[0].GetProperty("_id").GetString()!;
    }

    static async Task<List<string>> ShortcutsAsync(ApiClient api, string path, string property = "cannedResponses") =>
        [.. (await api.GetAsync(path)).Ok().Json.GetProperty(property).EnumerateArray().Select(c => c.GetProperty("shortcut").GetString()!)];

    [Fact]
    public async Task AnAgentsPersonalResponseIsAnsweredInRocketChatsShape()
    {
        var agent = await AgentAsync();
        var shortcut = TestUsers.Unique("thanks");

        (await agent.Api.PostAsync("canned-responses",
            new { shortcut, text = "Thanks for waiting!", scope = "user", tags = new[] { "greeting" }, departmentId = "ignored" })).Is(200, Saved);
        var listed = (await agent.Api.GetAsync($"canned-responses?shortcut={shortcut}")).Ok();

        var item = listed.Json.GetProperty("cannedResponses")[0];
        var (id, createdAt, updatedAt) = (item.GetProperty("_id").GetString(), item.GetProperty("_createdAt").GetString(), item.GetProperty("_updatedAt").GetString());
        Assert.Matches("^[0-9a-f]{24}$", id);
        var document = $$"""
            {"_id":"{{id}}","shortcut":"{{shortcut}}","text":"Thanks for waiting!","scope":"user","tags":["greeting"],"userId":"{{agent.Id}}",
            "createdBy":{"_id":"{{agent.Id}}","username":"{{agent.Username}}"},"_createdAt":"{{createdAt}}","_updatedAt":"{{updatedAt}}"}
            """;
        listed.Is(200, $$"""{"cannedResponses":[{{document}}],"count":1,"offset":0,"total":1,"success":true}""");
        (await agent.Api.GetAsync($"canned-responses/{id}")).Is(200, $$"""{"cannedResponse":{{document}},"success":true}""");
    }

    [Fact]
    public async Task EachCallerSeesGlobalResponsesTheirOwnAndTheirDepartments()
    {
        var admin = await factory.AdminAsync();
        var (alice, bob) = (await AgentAsync(), await AgentAsync());
        var manager = await factory.CreateUserAsync("user", "livechat-manager");
        var (aliceDesk, bobDesk) = (await DepartmentAsync(alice), await DepartmentAsync(bob));
        var tag = TestUsers.Unique("t");
        var global = await SaveAsync(admin, TestUsers.Unique("g"), "global", tags: [tag]);
        var ofAlicesDesk = await SaveAsync(admin, TestUsers.Unique("da"), "department", aliceDesk, [tag]);
        var ofBobsDesk = await SaveAsync(admin, TestUsers.Unique("db"), "department", bobDesk, [tag]);
        var alices = await SaveAsync(alice.Api, TestUsers.Unique("pa"), "user", tags: [tag]);
        var bobs = await SaveAsync(bob.Api, TestUsers.Unique("pb"), "user", tags: [tag]);

        async Task<List<string>> Ids(ApiClient api, string path, string property = "cannedResponses") =>
            [.. (await api.GetAsync(path)).Ok().Json.GetProperty(property).EnumerateArray().Select(c => c.GetProperty("_id").GetString()!)];
        var aliceSees = await Ids(alice.Api, $"canned-responses?tags[]={tag}");
        var aliceGets = await Ids(alice.Api, "canned-responses.get", "responses");
        var managerSees = await Ids(manager.Api, $"canned-responses?tags[]={tag}");
        var aliceAsksForBobsDesk = await Ids(alice.Api, $"canned-responses?departmentId={bobDesk}");

        Assert.Equal(new[] { global, ofAlicesDesk, alices }.Order(), aliceSees.Order());
        Assert.Subset(aliceGets.ToHashSet(), new HashSet<string> { global, ofAlicesDesk, alices });
        Assert.DoesNotContain(ofBobsDesk, aliceGets);
        Assert.DoesNotContain(bobs, aliceGets);
        Assert.Equal(new[] { global, ofAlicesDesk, ofBobsDesk }.Order(), managerSees.Order());
        Assert.Empty(aliceAsksForBobsDesk);
        (await alice.Api.GetAsync($"canned-responses/{bobs}")).Is(404, """{"success":false,"error":"Resource not found"}""");
        (await alice.Api.GetAsync($"canned-responses/{ofBobsDesk}")).Is(404, """{"success":false,"error":"Resource not found"}""");
    }

    [Fact]
    public async Task ListingFiltersByTextTagsScopeAndAuthorAndPagesByShortcut()
    {
        var agent = await AgentAsync();
        var prefix = TestUsers.Unique("f");
        await SaveAsync(agent.Api, $"{prefix}-c", "user", tags: ["shipping"], text: "Your PARCEL ships today");
        await SaveAsync(agent.Api, $"{prefix}-a", "user", tags: ["billing"], text: "Your invoice is attached");
        await SaveAsync(agent.Api, $"{prefix}-b", "user", tags: ["billing", "vip"], text: "A refund is on its way");

        var byText = await ShortcutsAsync(agent.Api, "canned-responses?text=parcel");
        var byTags = await ShortcutsAsync(agent.Api, $"canned-responses?tags[]=vip&tags[]=shipping&createdBy={agent.Id}");
        var byScope = await ShortcutsAsync(agent.Api, $"canned-responses?scope=user&text={prefix}");
        var page = (await agent.Api.GetAsync($"canned-responses?text={prefix}&count=2&offset=1")).Ok().Json;
        var descending = await ShortcutsAsync(agent.Api, $"canned-responses?text={prefix}&sort={{\"shortcut\":-1}}");

        Assert.Equal([$"{prefix}-c"], byText);
        Assert.Equal([$"{prefix}-b", $"{prefix}-c"], byTags);
        Assert.Equal([$"{prefix}-a", $"{prefix}-b", $"{prefix}-c"], byScope);
        Assert.Equal(2, page.GetProperty("count").GetInt32());
        Assert.Equal(1, page.GetProperty("offset").GetInt32());
        Assert.Equal(3, page.GetProperty("total").GetInt32());
        Assert.Equal($"{prefix}-b", page.GetProperty("cannedResponses")[0].GetProperty("shortcut").GetString());
        Assert.Equal([$"{prefix}-c", $"{prefix}-b", $"{prefix}-a"], descending);
    }

    [Fact]
    public async Task AShortcutIsUniqueAcrossScopesAndUsers()
    {
        var admin = await factory.AdminAsync();
        var agent = await AgentAsync();
        var shortcut = TestUsers.Unique("hello");
        var id = await SaveAsync(admin, shortcut, "global");

        var again = await agent.Api.PostAsync("canned-responses", new { shortcut, text = "Hi", scope = "user" });
        var renamed = await admin.PostAsync("canned-responses", new { _id = id, shortcut, text = "Hello again", scope = "global" });
        var other = await SaveAsync(admin, TestUsers.Unique("other"), "global");
        var clash = await admin.PostAsync("canned-responses", new { _id = other, shortcut, text = "x", scope = "global" });

        again.Is(400, Coded("error-invalid-shortcut", "Shortcut provided already exists"));
        renamed.Is(200, Saved);
        clash.Is(400, Coded("error-invalid-shortcut", "Shortcut provided already exists"));
        Assert.Equal("Hello again", (await admin.GetAsync($"canned-responses/{id}")).Ok().Json.GetProperty("cannedResponse").GetProperty("text").GetString());
    }

    [Fact]
    public async Task WritesAreCheckedAgainstTheScopeOfTheResponseAndOfTheCaller()
    {
        var admin = await factory.AdminAsync();
        var (alice, bob) = (await AgentAsync(), await AgentAsync());
        var monitor = await factory.CreateUserAsync("user", "livechat-monitor");
        var desk = await DepartmentAsync(alice);
        var global = await SaveAsync(admin, TestUsers.Unique("g"), "global");
        var alices = await SaveAsync(alice.Api, TestUsers.Unique("mine"), "user");

        var agentGlobal = await alice.Api.PostAsync("canned-responses", new { shortcut = TestUsers.Unique("x"), text = "t", scope = "global" });
        var agentDepartment = await alice.Api.PostAsync("canned-responses", new { shortcut = TestUsers.Unique("x"), text = "t", scope = "department", departmentId = desk });
        var takeOverGlobal = await alice.Api.PostAsync("canned-responses", new { _id = global, shortcut = TestUsers.Unique("x"), text = "t", scope = "user" });
        var removeGlobal = await alice.Api.DeleteAsync("canned-responses", new { _id = global });
        var bobEdits = await bob.Api.PostAsync("canned-responses", new { _id = alices, shortcut = TestUsers.Unique("x"), text = "t", scope = "user" });
        var bobRemoves = await bob.Api.DeleteAsync("canned-responses", new { _id = alices });
        var monitorDepartment = await monitor.Api.PostAsync("canned-responses", new { shortcut = TestUsers.Unique("m"), text = "t", scope = "department", departmentId = desk });
        var user = await factory.CreateUserAsync();
        var noRole = await user.Api.PostAsync("canned-responses", new { shortcut = "x", text = "t", scope = "user" });
        var aliceRemoves = await alice.Api.DeleteAsync("canned-responses", new { _id = alices });

        agentGlobal.Is(400, Coded("error-not-allowed", "Not allowed to modify canned responses on *global* scope"));
        agentDepartment.Is(400, Coded("error-not-allowed", "Not allowed to modify canned responses on *department* scope"));
        takeOverGlobal.Is(400, Coded("error-not-allowed", "Not allowed to modify canned responses on *global* scope"));
        removeGlobal.Is(400, Coded("error-not-allowed", "Not allowed to modify canned responses on *global* scope"));
        bobEdits.Is(400, Coded("error-canned-response-not-found", "Canned Response not found"));
        bobRemoves.Is(400, Coded("error-canned-response-not-found", "Canned Response not found"));
        monitorDepartment.Is(200, Saved);
        noRole.Is(403, TestData.Forbidden);
        (await user.Api.GetAsync("canned-responses.get")).Is(403, TestData.Forbidden);
        aliceRemoves.Is(200, Saved);
        (await alice.Api.GetAsync($"canned-responses/{alices}")).Is(404, """{"success":false,"error":"Resource not found"}""");
        (await admin.GetAsync($"canned-responses/{global}")).Ok();
    }

    [Theory]
    [InlineData("""{}""", "must have required property 'shortcut' [invalid-params]", "invalid-params")]
    [InlineData("""{"shortcut":"s","text":"t"}""", "must have required property 'scope' [invalid-params]", "invalid-params")]
    [InlineData("""{"shortcut":"s","text":"t","scope":"team"}""", "must be equal to one of the allowed values [invalid-params]", "invalid-params")]
    [InlineData("""{"shortcut":"s","text":"t","scope":"user","color":"red"}""", "must NOT have additional properties [invalid-params]", "invalid-params")]
    [InlineData("""{"shortcut":"s","text":"t","scope":"user","tags":"vip"}""", "must be array [invalid-params]", "invalid-params")]
    [InlineData("""{"shortcut":"UNIQUE","text":"t","scope":"department"}""", "Invalid department [error-invalid-department]", "error-invalid-department")]
    [InlineData("""{"shortcut":"UNIQUE","text":"t","scope":"department","departmentId":"no-such-department"}""", "Invalid department [error-invalid-department]", "error-invalid-department")]
    [InlineData("""{"_id":"0123456789abcdef01234567","shortcut":"UNIQUE","text":"t","scope":"global"}""", "Canned Response not found [error-canned-response-not-found]", "error-canned-response-not-found")]
    public async Task SavingAnInvalidResponseAnswersTheErrorAndWritesNothing(string body, string error, string errorType)
    {
        var admin = await factory.AdminAsync();
        var before = (await admin.GetAsync("canned-responses.get")).Ok().Json.GetProperty("responses").GetArrayLength();

        var reply = await admin.PostRawAsync("canned-responses", body.Replace("UNIQUE", TestUsers.Unique("s"), StringComparison.Ordinal));

        reply.Is(400, JsonSerializer.Serialize(new { success = false, error, errorType }));
        Assert.Equal(before, (await admin.GetAsync("canned-responses.get")).Ok().Json.GetProperty("responses").GetArrayLength());
    }

    [Fact]
    public async Task ListAndDeleteValidateTheirParameters()
    {
        var admin = await factory.AdminAsync();

        (await admin.GetAsync("canned-responses?tags=vip")).Is(400, Coded("invalid-params", "must be array"));
        (await admin.GetAsync("canned-responses?color=red")).Is(400, Coded("invalid-params", "must NOT have additional properties"));
        (await admin.DeleteAsync("canned-responses", new { })).Is(400, Coded("invalid-params", "must have required property '_id'"));
        (await admin.DeleteAsync("canned-responses", new { _id = "no-such-response" })).Is(400, Coded("error-canned-response-not-found", "Canned Response not found"));
    }
}

public sealed class CannedResponseEndpointsSqliteTests(SqliteServerFactory factory) : CannedResponseEndpointsTests<SqliteServerFactory>(factory);

public sealed class CannedResponseEndpointsPostgresTests(PostgresServerFactory factory) : CannedResponseEndpointsTests<PostgresServerFactory>(factory);
