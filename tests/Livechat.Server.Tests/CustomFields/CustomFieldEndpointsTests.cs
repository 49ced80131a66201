using System.Diagnostics;
using System.Text.RegularExpressions;
using Livechat.Server.CustomFields;
using Livechat.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Tests.CustomFields;

public abstract class CustomFieldEndpointsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    async Task<string> SaveAsync(string field, string scope = "room", string? regexp = null, string? label = null)
    {
        var admin = await factory.AdminAsync();
        (await admin.PostAsync("livechat/custom-fields.save", new
        {
            customFieldId = (string?)null,
            customFieldData = new { field, label = label ?? $"Label {field}", scope, visibility = "visible", regexp },
        })).Ok();
        return field;
    }

    [Fact]
    public async Task SavingANewFieldAnswersItAndGetAnswersIt()
    {
        var admin = await factory.AdminAsync();
        var field = TestUsers.Unique("orderId");

        var saved = await admin.PostAsync("livechat/custom-fields.save", $$"""
            {"customFieldId":null,"customFieldData":{"field":"{{field}}","label":"Order id","scope":"room","visibility":"visible","type":"input",
             "regexp":"^[A-Z]-\\d+$","required":false,"defaultValue":"","options":"","public":false,"searchable":true} }
            """);

        var updatedAt = saved.Json.GetProperty("customField").GetProperty("_updatedAt").GetString();
        var json = $$"""{"_id":"{{field}}","label":"Order id","scope":"room","visibility":"visible","type":"input","regexp":"^[A-Z]-\\d+$","required":false,"defaultValue":"","options":"","public":false,"searchable":true,"_updatedAt":"{{updatedAt}}"}""";
        saved.Is(200, $$"""{"customField":{{json}},"success":true}""");
        (await admin.GetAsync($"livechat/custom-fields/{field}")).Is(200, $$"""{"customField":{{json}},"success":true}""");
        (await admin.GetAsync("livechat/custom-fields/noSuchField")).Is(200, """{"customField":null,"success":true}""");
    }

    [Fact]
    public async Task SavingWithAnIdReplacesEveryPropertyButTheId()
    {
        var admin = await factory.AdminAsync();
        var field = await SaveAsync(TestUsers.Unique("tier"), regexp: "x");

        var saved = await admin.PostAsync("livechat/custom-fields.save", new
        {
            customFieldId = field, customFieldData = new { field = "ignored", label = "Tier", scope = "visitor", visibility = "hidden" },
        });

        var updatedAt = saved.Json.GetProperty("customField").GetProperty("_updatedAt").GetString();
        saved.Is(200, $$"""{"customField":{"_id":"{{field}}","label":"Tier","scope":"visitor","visibility":"hidden","_updatedAt":"{{updatedAt}}"},"success":true}""");
        (await admin.GetAsync("livechat/custom-fields/ignored")).Is(200, """{"customField":null,"success":true}""");
    }

    const string NestedQuantifier = "Invalid regexp: a repeated group may not itself contain a repetition, as in (a+)+ (it can take exponential time)";

    [Theory]
    [InlineData("^(ab)+$")]
    [InlineData("a+b*c?")]
    [InlineData("[(a+)+]x")]
    [InlineData("\\(a+\\)+")]
    [InlineData("(a?){1}(b+)")]
    public async Task PatternsWithoutNestedRepetitionAreSaved(string regexp)
    {
        var field = await SaveAsync(TestUsers.Unique("plain"), regexp: regexp);

        Assert.Equal(regexp, await factory.WithDbAsync(db => db.CustomFields.Where(f => f.Id == field).Select(f => f.Regexp).SingleAsync()));
    }

    [Fact]
    public async Task AVisitorsValueMeetsAStoredCatastrophicPatternForAtMost50Milliseconds()
    {
        // A pattern saved before nested quantifiers were refused, and a near-miss value: exponential backtracking.
        const string pattern = "^(a+)+$";
        var value = new string('a', 30) + "!";
        Assert.Throws<RegexMatchTimeoutException>(() => Regex.IsMatch(value, pattern, RegexOptions.ECMAScript, TimeSpan.FromMilliseconds(300)));
        var field = TestUsers.Unique("legacy");
        await factory.WithDbAsync(db =>
        {
            db.CustomFields.Add(new CustomField { Id = field, Label = field, Scope = "visitor", Visibility = "visible", Regexp = pattern, UpdatedAt = DateTime.UtcNow });
            return db.SaveChangesAsync();
        });

        var clock = Stopwatch.StartNew();
        var reply = await factory.Anonymous().PostAsync("livechat/visitor",
            new { visitor = new { token = TestUsers.Unique("visitor"), customFields = new[] { new { key = field, value, overwrite = true } } } });
        clock.Stop();

        reply.Is(400, $$"""{"success":false,"error":"Invalid value for {{field}} field"}""");
        // The old one-second budget alone would exceed this.
        Assert.True(clock.ElapsedMilliseconds < 900, $"took {clock.ElapsedMilliseconds} ms");
    }

    [Theory]
    [InlineData("""{"customFieldData":{"field":"bad name","label":"L","scope":"room","visibility":"visible"}}""", "Invalid custom field name. Use only letters, numbers, hyphens and underscores.")]
    [InlineData("""{"customFieldId":"bad id!","customFieldData":{"field":"ok","label":"L","scope":"room","visibility":"visible"}}""", "Invalid custom field name. Use only letters, numbers, hyphens and underscores.")]
    [InlineData("""{"customFieldId":"noSuchField","customFieldData":{"field":"ok","label":"L","scope":"room","visibility":"visible"}}""", "Custom Field Not found")]
    [InlineData("""{"customFieldData":{"field":"okRegexp","label":"L","scope":"room","visibility":"visible","regexp":"(unclosed"}}""", "Invalid regexp")]
    [InlineData("""{"customFieldData":{"field":"nested1","label":"L","scope":"visitor","visibility":"visible","regexp":"(a+)+"}}""", NestedQuantifier)]
    [InlineData("""{"customFieldData":{"field":"nested2","label":"L","scope":"room","visibility":"visible","regexp":"^(\\w+\\s?)*$"}}""", NestedQuantifier)]
    [InlineData("""{"customFieldData":{"field":"nested3","label":"L","scope":"room","visibility":"visible","regexp":"((ab)*c){2,}"}}""", NestedQuantifier)]
    [InlineData("""{"customFieldData":{"field":"nested4","label":"L","scope":"room","visibility":"visible","regexp":"(?:x{2,3}y)+?"}}""", NestedQuantifier)]
    public async Task SavingAnInvalidFieldAnswersTheSpecError(string body, string error)
    {
        var admin = await factory.AdminAsync();

        var reply = await admin.PostAsync("livechat/custom-fields.save", body);

        reply.Is(400, $$"""{"success":false,"error":"{{error}}"}""");
    }

    [Theory]
    [InlineData("""{}""", "must have required property 'customFieldData'")]
    [InlineData("""{"customFieldData":{"label":"L","scope":"room","visibility":"visible"}}""", "must have required property 'field'")]
    [InlineData("""{"customFieldData":{"field":"f","label":"L","scope":"chat","visibility":"visible"}}""", "must be equal to one of the allowed values")]
    [InlineData("""{"customFieldData":{"field":"f","label":"L","scope":"room","visibility":"visible","color":1}}""", "must NOT have additional properties")]
    public async Task SavingAnInvalidBodyAnswersInvalidParams(string body, string message)
    {
        var admin = await factory.AdminAsync();

        var reply = await admin.PostAsync("livechat/custom-fields.save", body);

        reply.Is(400, $$"""{"success":false,"error":"{{message}} [invalid-params]","errorType":"invalid-params"}""");
    }

    [Fact]
    public async Task SavingAnExistingNameAnswersAlreadyExists()
    {
        var admin = await factory.AdminAsync();
        var field = await SaveAsync(TestUsers.Unique("twice"));

        var reply = await admin.PostAsync("livechat/custom-fields.save", new { customFieldData = new { field, label = "L", scope = "room", visibility = "visible" } });

        reply.Is(400, """{"success":false,"error":"Custom Field already exists"}""");
    }

    [Fact]
    public async Task ListingFieldsFiltersByTextPagesAndSorts()
    {
        var admin = await factory.AdminAsync();
        var prefix = TestUsers.Unique("cf");
        var a = await SaveAsync($"{prefix}a", label: "B label");
        var b = await SaveAsync($"{prefix}b", label: "A label");
        var c = await SaveAsync(TestUsers.Unique("zz"), label: $"Mentions {prefix.ToUpperInvariant()}");

        var byLabel = await admin.GetAsync($"livechat/custom-fields?text={prefix}");
        var paged = await admin.GetAsync($"livechat/custom-fields?text={prefix}&sort={{\"_id\":1}}&offset=1&count=1");

        var fields = byLabel.Ok().Json.GetProperty("customFields");
        Assert.Equal([b, a, c], fields.EnumerateArray().Select(f => f.GetProperty("_id").GetString()));
        byLabel.Is(200, $$"""{"customFields":[{{fields[0].GetRawText()}},{{fields[1].GetRawText()}},{{fields[2].GetRawText()}}],"count":3,"offset":0,"total":3,"success":true}""");
        paged.Is(200, $$"""{"customFields":[{{fields[0].GetRawText()}}],"count":1,"offset":1,"total":3,"success":true}""");
    }

    [Fact]
    public async Task DeletingAFieldRemovesItAndAnUnknownOneAnswersNotFound()
    {
        var admin = await factory.AdminAsync();
        var field = await SaveAsync(TestUsers.Unique("gone"));

        var deleted = await admin.PostAsync("livechat/custom-fields.delete", new { customFieldId = field });
        var again = await admin.PostAsync("livechat/custom-fields.delete", new { customFieldId = field });
        var invalid = await admin.PostAsync("livechat/custom-fields.delete", new { });

        deleted.Is(200, """{"success":true}""");
        again.Is(400, """{"success":false,"error":"Custom field not found"}""");
        invalid.Is(400, """{"success":false,"error":"must have required property 'customFieldId' [invalid-params]","errorType":"invalid-params"}""");
        (await admin.GetAsync($"livechat/custom-fields/{field}")).Is(200, """{"customField":null,"success":true}""");
    }

    [Fact]
    public async Task CustomFieldRoutesAnswer403WithoutThePermission()
    {
        var user = await factory.CreateUserAsync();
        var agent = await factory.CreateUserAsync("user", "livechat-agent");

        (await user.Api.GetAsync("livechat/custom-fields")).Is(403, TestData.Forbidden);
        (await user.Api.GetAsync("livechat/custom-fields/x")).Is(403, TestData.Forbidden);
        (await agent.Api.PostAsync("livechat/custom-fields.save", new { customFieldData = new { field = "x", label = "x", scope = "room", visibility = "visible" } }))
            .Is(403, TestData.Forbidden);
        (await agent.Api.PostAsync("livechat/custom-fields.delete", new { customFieldId = "x" })).Is(403, TestData.Forbidden);
        (await agent.Api.GetAsync("livechat/custom-fields")).Ok();
    }

    [Fact]
    public async Task VisitorCustomFieldSetsVisitorScopeOnTheVisitorAndRoomScopeOnOpenRooms()
    {
        var visitorField = await SaveAsync(TestUsers.Unique("tier"), "visitor");
        var roomField = await SaveAsync(TestUsers.Unique("order"), "room", regexp: "^[A-Z]-\\d+$");
        var (room, token, _, _) = await factory.CreateServedRoomAsync();
        var widget = factory.Anonymous();
        (await widget.PostAsync("livechat/room.close", new { token, rid = room.Str("_id") })).Ok();
        var open = await factory.OpenRoomAsync(token);

        var one = await widget.PostAsync("livechat/custom.field", new { token, key = visitorField, value = "gold", overwrite = true });
        var many = await widget.PostAsync("livechat/custom.fields", new
        {
            token,
            customFields = new object[] { new { key = roomField, value = "A-17", overwrite = true }, new { key = visitorField, value = "silver", overwrite = false } },
        });

        one.Is(200, $$"""{"field":{"key":"{{visitorField}}","value":"gold","overwrite":true},"success":true}""");
        many.Is(200, $$"""{"fields":[{"Key":"{{roomField}}","value":"A-17","overwrite":true},{"Key":"{{visitorField}}","value":"silver","overwrite":false}],"success":true}""");
        var admin = await factory.AdminAsync();
        var visitor = (await admin.GetAsync($"livechat/visitors.info?visitorId={room.GetProperty("v").Str("_id")}")).Ok().Json.GetProperty("visitor");
        Assert.Equal($$"""{"{{visitorField}}":"gold"}""", visitor.GetProperty("livechatData").GetRawText());
        var openNow = (await admin.GetAsync($"rooms.info?roomId={open.Str("_id")}")).Ok().Json.GetProperty("room");
        Assert.Equal($$"""{"{{roomField}}":"A-17"}""", openNow.GetProperty("livechatData").GetRawText());
        var closedNow = (await admin.GetAsync($"rooms.info?roomId={room.Str("_id")}")).Ok().Json.GetProperty("room");
        Assert.False(closedNow.TryGetProperty("livechatData", out _));
        // the room list's custom-field filter sees the new value (its side table is written with the room)
        var filter = Uri.EscapeDataString($$"""{"{{roomField}}":"a-17"}""");
        var listed = (await admin.GetAsync($"livechat/rooms?customFields={filter}")).Ok().Json.GetProperty("rooms");
        Assert.Equal([open.Str("_id")], listed.EnumerateArray().Select(r => r.Str("_id")));
    }

    [Fact]
    public async Task ConcurrentCustomFieldsOfOneVisitorAllStay()
    {
        var fields = new List<string>();
        for (var i = 0; i < 8; i++) fields.Add(await SaveAsync(TestUsers.Unique($"concurrent{i}"), "visitor"));
        var (token, visitor) = await factory.CreateVisitorAsync();
        var widget = factory.Anonymous();

        // The visitor's version makes the later of two read-modify-writes run again instead of writing over the other.
        var replies = await Task.WhenAll(fields.Select(f => widget.PostAsync("livechat/custom.field", new { token, key = f, value = $"v-{f}", overwrite = true })));

        Assert.All(replies, reply => reply.Ok());
        var stored = (await (await factory.AdminAsync()).GetAsync($"livechat/visitors.info?visitorId={visitor.Str("_id")}")).Ok().Json.GetProperty("visitor");
        Assert.Equal(fields.Order(StringComparer.Ordinal).Select(f => $"{f}=v-{f}"),
            stored.GetProperty("livechatData").EnumerateObject().Select(p => $"{p.Name}={p.Value.GetString()}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task VisitorCustomFieldErrorsComeInTheSpecOrderAndNothingIsWritten()
    {
        var field = await SaveAsync(TestUsers.Unique("code"), "visitor", regexp: "^\\d+$", label: "Code label");
        var (token, visitor) = await factory.CreateVisitorAsync();
        var widget = factory.Anonymous();

        var badToken = await widget.PostAsync("livechat/custom.field", new { token = "nope", key = "missing", value = "x", overwrite = true });
        var unknown = await widget.PostAsync("livechat/custom.field", new { token, key = "missing", value = "x", overwrite = true });
        var invalid = await widget.PostAsync("livechat/custom.field", new { token, key = field, value = "abc", overwrite = true });
        var secondInvalid = await widget.PostAsync("livechat/custom.fields", new
        {
            token,
            customFields = new object[] { new { key = field, value = "12", overwrite = true }, new { key = field, value = "x", overwrite = true } },
        });
        var empty = await widget.PostAsync("livechat/custom.fields", new { token, customFields = Array.Empty<object>() });
        var missing = await widget.PostAsync("livechat/custom.field", new { token, key = field, value = "1" });

        badToken.Is(400, """{"success":false,"error":"invalid-token"}""");
        unknown.Is(400, """{"success":false,"error":"invalid-custom-field"}""");
        invalid.Is(400, $$"""{"success":false,"error":"Invalid value for {{field}} field"}""");
        secondInvalid.Is(400, $$"""{"success":false,"error":"Invalid value for {{field}} field"}""");
        empty.Is(400, """{"success":false,"error":"must NOT have fewer than 1 items [invalid-params]","errorType":"invalid-params"}""");
        missing.Is(400, """{"success":false,"error":"must have required property 'overwrite' [invalid-params]","errorType":"invalid-params"}""");
        var stored = (await (await factory.AdminAsync()).GetAsync($"livechat/visitors.info?visitorId={visitor.Str("_id")}")).Ok().Json.GetProperty("visitor");
        Assert.False(stored.TryGetProperty("livechatData", out _));
    }
}

public sealed class CustomFieldEndpointsSqliteTests(SqliteServerFactory factory) : CustomFieldEndpointsTests<SqliteServerFactory>(factory);

public sealed class CustomFieldEndpointsPostgresTests(PostgresServerFactory factory) : CustomFieldEndpointsTests<PostgresServerFactory>(factory);
