using Livechat.Server.Departments;
using Livechat.Server.Http;
using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Tags;

public abstract class TagEndpointsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    // The official client sends "" for "no department"; duplicates are dropped too.
    static readonly string[] ClientDepartments = ["", "d1", "d1", "d2"];

    async Task<string> SaveAsync(string name, string? description = null, params string[] departments)
    {
        var admin = await factory.AdminAsync();
        var reply = await admin.PostAsync("livechat/tags.save", new { tagData = new { name, description }, tagDepartments = departments });
        return reply.Ok().Json.GetProperty("_id").GetString()!;
    }

    // Department endpoints are built elsewhere: membership is arranged in the database.
    Task JoinDepartmentAsync(TestUser agent, string departmentId) => factory.WithDbAsync(db =>
    {
        db.DepartmentAgents.Add(new DepartmentAgent { Id = Ids.NewObjectId(), AgentId = agent.Id, DepartmentId = departmentId, Username = agent.Username });
        return db.SaveChangesAsync();
    });

    [Fact]
    public async Task SavingANewTagAnswersItAndGetAnswersItsFieldsMergedWithSuccess()
    {
        var admin = await factory.AdminAsync();
        var name = TestUsers.Unique("vip");

        var saved = await admin.PostAsync("livechat/tags.save",
            new { _id = (string?)null, tagData = new { name = $"  {name} ", description = "Very important" }, tagDepartments = ClientDepartments });

        var id = saved.Json.GetProperty("_id").GetString()!;
        Assert.Matches("^[0-9a-f]{24}$", id);
        saved.Is(200, $$"""{"_id":"{{id}}","name":"{{name}}","description":"Very important","numDepartments":2,"departments":["d1","d2"],"success":true}""");
        var fetched = await admin.GetAsync($"livechat/tags/{id}");
        var updatedAt = fetched.Json.GetProperty("_updatedAt").GetString();
        fetched.Is(200, $$"""{"_id":"{{id}}","name":"{{name}}","description":"Very important","numDepartments":2,"departments":["d1","d2"],"_updatedAt":"{{updatedAt}}","success":true}""");
    }

    [Fact]
    public async Task SavingWithAnIdReplacesTheTag()
    {
        var admin = await factory.AdminAsync();
        var id = await SaveAsync(TestUsers.Unique("old"), "old description", "d1");
        var name = TestUsers.Unique("new");

        var saved = await admin.PostAsync("livechat/tags.save", new { _id = id, tagData = new { name }, tagDepartments = Array.Empty<string>() });

        saved.Is(200, $$"""{"_id":"{{id}}","name":"{{name}}","numDepartments":0,"departments":[],"success":true}""");
        Assert.False((await admin.GetAsync($"livechat/tags/{id}")).Ok().Json.TryGetProperty("description", out _));
    }

    [Fact]
    public async Task SavingADuplicateNameOrAnUnknownIdAnswersTheSpecErrors()
    {
        var admin = await factory.AdminAsync();
        var name = TestUsers.Unique("dup");
        await SaveAsync(name);
        var other = await SaveAsync(TestUsers.Unique("other"));

        var create = await admin.PostAsync("livechat/tags.save", new { tagData = new { name = $" {name.ToUpperInvariant()} " }, tagDepartments = Array.Empty<string>() });
        var rename = await admin.PostAsync("livechat/tags.save", new { _id = other, tagData = new { name }, tagDepartments = Array.Empty<string>() });
        var unknown = await admin.PostAsync("livechat/tags.save", new { _id = "0123456789abcdef01234567", tagData = new { name = TestUsers.Unique("x") }, tagDepartments = Array.Empty<string>() });

        create.Is(400, """{"success":false,"error":"error-duplicated-tag"}""");
        rename.Is(400, """{"success":false,"error":"error-duplicated-tag"}""");
        unknown.Is(400, """{"success":false,"error":"Tag not found [tag-not-found]","errorType":"tag-not-found"}""");
    }

    [Theory]
    [InlineData("""{}""", "must have required property 'tagData'")]
    [InlineData("""{"tagData":{"name":"x"}}""", "must have required property 'tagDepartments'")]
    [InlineData("""{"tagData":{},"tagDepartments":[]}""", "must have required property 'name'")]
    [InlineData("""{"tagData":{"name":"x","color":"red"},"tagDepartments":[]}""", "must NOT have additional properties")]
    [InlineData("""{"tagData":{"name":"x"},"tagDepartments":[],"extra":true}""", "must NOT have additional properties")]
    [InlineData("""{"tagData":{"name":"x"},"tagDepartments":"d1"}""", "must be array")]
    public async Task SavingAnInvalidBodyAnswersInvalidParams(string body, string message)
    {
        var admin = await factory.AdminAsync();

        var reply = await admin.PostAsync("livechat/tags.save", body);

        reply.Is(400, $$"""{"success":false,"error":"{{message}} [invalid-params]","errorType":"invalid-params"}""");
    }

    [Fact]
    public async Task DeletingATagRemovesItAndAnUnknownOneAnswersTagNotFound()
    {
        var admin = await factory.AdminAsync();
        var id = await SaveAsync(TestUsers.Unique("gone"));

        var deleted = await admin.PostAsync("livechat/tags.delete", new { id });
        var again = await admin.PostAsync("livechat/tags.delete", new { id });
        var missing = await admin.PostAsync("livechat/tags.delete", new { });

        deleted.Is(200, """{"success":true}""");
        again.Is(400, """{"success":false,"error":"Tag not found [tag-not-found]","errorType":"tag-not-found"}""");
        missing.Is(400, """{"success":false,"error":"must have required property 'id' [invalid-params]","errorType":"invalid-params"}""");
        (await admin.GetAsync($"livechat/tags/{id}")).Is(404, """{"success":false,"error":"Tag not found"}""");
    }

    [Fact]
    public async Task ListingTagsFiltersByTextPagesAndSorts()
    {
        var admin = await factory.AdminAsync();
        var prefix = TestUsers.Unique("list");
        var a = await SaveAsync($"{prefix}-a");
        var b = await SaveAsync($"{prefix}-b", "second");
        var c = await SaveAsync(TestUsers.Unique("zz"), $"about {prefix.ToUpperInvariant()}");

        var all = await admin.GetAsync($"livechat/tags?text={prefix}&viewAll=true");
        var paged = await admin.GetAsync($"livechat/tags?text={prefix}&viewAll=true&sort={{\"name\":-1}}&offset=1&count=1");
        var noText = await admin.GetAsync("livechat/tags");

        var tags = all.Ok().Json.GetProperty("tags");
        Assert.Equal([a, b, c], tags.EnumerateArray().Select(t => t.GetProperty("_id").GetString()));
        var first = tags[0];
        all.Is(200, $$"""{"tags":[{{first.GetRawText()}},{{tags[1].GetRawText()}},{{tags[2].GetRawText()}}],"count":3,"offset":0,"total":3,"success":true}""");
        Assert.Equal(b, paged.Ok().Json.GetProperty("tags")[0].GetProperty("_id").GetString());
        Assert.Equal(3, paged.Json.GetProperty("total").GetInt32());
        noText.Is(400, """{"success":false,"error":"must have required property 'text' [invalid-params]","errorType":"invalid-params"}""");
    }

    [Fact]
    public async Task AgentsSeeTagsWithoutDepartmentsAndTagsOfTheirDepartments()
    {
        var admin = await factory.AdminAsync();
        var agent = await factory.CreateUserAsync("user", "livechat-agent");
        var prefix = TestUsers.Unique("vis");
        var mine = TestUsers.Unique("dep");
        var other = TestUsers.Unique("dep");
        await JoinDepartmentAsync(agent, mine);
        var open = await SaveAsync($"{prefix}-1open");
        var ofMine = await SaveAsync($"{prefix}-2mine", null, mine);
        var ofOther = await SaveAsync($"{prefix}-3other", null, other);

        var agentList = await agent.Api.GetAsync($"livechat/tags?text={prefix}&viewAll=true");
        var agentNarrowed = await agent.Api.GetAsync($"livechat/tags?text={prefix}&department={other}");
        var adminDefault = await admin.GetAsync($"livechat/tags?text={prefix}");
        var adminAll = await admin.GetAsync($"livechat/tags?text={prefix}&viewAll=true");

        static IEnumerable<string?> Ids(Reply r) => r.Ok().Json.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("_id").GetString());
        Assert.Equal([open, ofMine], Ids(agentList));
        Assert.Equal([open], Ids(agentNarrowed));
        Assert.Equal([open], Ids(adminDefault));
        Assert.Equal([open, ofMine, ofOther], Ids(adminAll));
        (await agent.Api.GetAsync($"livechat/tags/{ofMine}")).Ok();
        (await agent.Api.GetAsync($"livechat/tags/{ofOther}")).Is(404, """{"success":false,"error":"Tag not found"}""");
        (await admin.GetAsync($"livechat/tags/{ofOther}")).Ok();
    }

    [Fact]
    public async Task TagRoutesAnswer403WithoutThePermission()
    {
        var user = await factory.CreateUserAsync();
        var agent = await factory.CreateUserAsync("user", "livechat-agent");
        var id = await SaveAsync(TestUsers.Unique("perm"));

        (await user.Api.GetAsync("livechat/tags?text=")).Is(403, TestData.Forbidden);
        (await user.Api.GetAsync($"livechat/tags/{id}")).Is(403, TestData.Forbidden);
        (await agent.Api.PostAsync("livechat/tags.save", new { tagData = new { name = "x" }, tagDepartments = Array.Empty<string>() })).Is(403, TestData.Forbidden);
        (await agent.Api.PostAsync("livechat/tags.delete", new { id })).Is(403, TestData.Forbidden);
    }
}

public sealed class TagEndpointsSqliteTests(SqliteServerFactory factory) : TagEndpointsTests<SqliteServerFactory>(factory);

public sealed class TagEndpointsPostgresTests(PostgresServerFactory factory) : TagEndpointsTests<PostgresServerFactory>(factory);
