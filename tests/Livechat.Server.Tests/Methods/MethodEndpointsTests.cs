using System.Text.Json;
using Livechat.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Tests.Methods;

public abstract class MethodEndpointsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    static readonly string[] OneDepartment = ["dep1"];

    static object Envelope(string method, params object?[] parameters) =>
        new { message = JsonSerializer.Serialize(new { msg = "method", id = "7", method, @params = parameters }) };

    static string Error(object code, string? reason) => reason is null
        ? $$"""{"msg":"result","id":"7","error":{"isClientSafe":true,"error":{{JsonSerializer.Serialize(code)}},"message":"[{{code}}]","errorType":"Meteor.Error"} }"""
        : $$"""{"msg":"result","id":"7","error":{"isClientSafe":true,"error":{{JsonSerializer.Serialize(code)}},"reason":"{{reason}}","message":"{{reason}} [{{code}}]","errorType":"Meteor.Error"} }""";

    static void IsMethodResult(Reply reply, string expectedMessage)
    {
        reply.Ok();
        Assert.Equal(["message", "success"], reply.Json.EnumerateObject().Select(p => p.Name));
        var actual = JsonSerializer.Serialize(JsonDocument.Parse(reply.Json.GetProperty("message").GetString()!).RootElement);
        Assert.Equal(JsonSerializer.Serialize(JsonDocument.Parse(expectedMessage).RootElement), actual);
    }

    [Fact]
    public async Task SaveCustomFieldAnswersTheSavedFieldWithAnEjsonDate()
    {
        var admin = await factory.AdminAsync();
        var field = TestUsers.Unique("viaMethod");

        var reply = await admin.PostAsync("method.call/livechat:saveCustomField",
            Envelope("livechat:saveCustomField", null, new { field, label = "Via method", scope = "visitor", visibility = "visible" }));

        var updatedAt = await factory.WithDbAsync(db => db.CustomFields.Where(f => f.Id == field).Select(f => f.UpdatedAt).SingleAsync());
        var ms = new DateTimeOffset(updatedAt).ToUnixTimeMilliseconds();
        IsMethodResult(reply, $$"""{"msg":"result","id":"7","result":{"_id":"{{field}}","label":"Via method","scope":"visitor","visibility":"visible","_updatedAt":{"$date":{{ms}} } } }""");
        (await admin.GetAsync($"livechat/custom-fields/{field}")).Ok();
    }

    [Fact]
    public async Task SaveCustomFieldErrorsAreMeteorErrorsInsideA200()
    {
        var admin = await factory.AdminAsync();
        var field = TestUsers.Unique("dupMethod");
        await admin.PostAsync("method.call/livechat:saveCustomField",
            Envelope("livechat:saveCustomField", null, new { field, label = "L", scope = "room", visibility = "visible" }));

        var badName = await admin.PostAsync("method.call/livechat:saveCustomField",
            Envelope("livechat:saveCustomField", null, new { field = "bad name", label = "L", scope = "room", visibility = "visible" }));
        var unknown = await admin.PostAsync("method.call/livechat:saveCustomField",
            Envelope("livechat:saveCustomField", "noSuchField", new { field = "x", label = "L", scope = "room", visibility = "visible" }));
        var exists = await admin.PostAsync("method.call/livechat:saveCustomField",
            Envelope("livechat:saveCustomField", null, new { field, label = "L", scope = "room", visibility = "visible" }));
        var badParams = await admin.PostAsync("method.call/livechat:saveCustomField", Envelope("livechat:saveCustomField", null, "nope"));

        IsMethodResult(badName, Error("error-invalid-custom-field-name", "Invalid custom field name. Use only letters, numbers, hyphens and underscores."));
        IsMethodResult(unknown, Error("error-invalid-custom-field", "Custom Field Not found"));
        IsMethodResult(exists, Error("error-custom-field-name-already-exists", "Custom field name already exists"));
        IsMethodResult(badParams, Error(400, "Match failed"));
    }

    [Fact]
    public async Task RemoveCustomFieldAnswersTrueThenNotFound()
    {
        var admin = await factory.AdminAsync();
        var field = TestUsers.Unique("rmMethod");
        await admin.PostAsync("livechat/custom-fields.save", new { customFieldData = new { field, label = "L", scope = "room", visibility = "visible" } });

        var removed = await admin.PostAsync("method.call/livechat:removeCustomField", Envelope("livechat:removeCustomField", field));
        var again = await admin.PostAsync("method.call/livechat:removeCustomField", Envelope("livechat:removeCustomField", field));

        IsMethodResult(removed, """{"msg":"result","id":"7","result":true}""");
        IsMethodResult(again, Error("error-invalid-custom-field", "Custom field not found"));
    }

    [Fact]
    public async Task SaveTagAndRemoveTagShareTheRestRules()
    {
        var admin = await factory.AdminAsync();
        var name = TestUsers.Unique("methodTag");

        var saved = await admin.PostAsync("method.call/livechat:saveTag",
            Envelope("livechat:saveTag", null, new { name, description = "d" }, OneDepartment));
        var id = JsonDocument.Parse(saved.Json.GetProperty("message").GetString()!).RootElement.GetProperty("result").GetProperty("_id").GetString()!;
        var duplicate = await admin.PostAsync("method.call/livechat:saveTag", Envelope("livechat:saveTag", null, new { name }, Array.Empty<string>()));
        var removed = await admin.PostAsync("method.call/livechat:removeTag", Envelope("livechat:removeTag", id));
        var again = await admin.PostAsync("method.call/livechat:removeTag", Envelope("livechat:removeTag", id));

        IsMethodResult(saved, $$"""{"msg":"result","id":"7","result":{"_id":"{{id}}","name":"{{name}}","description":"d","numDepartments":1,"departments":["dep1"]} }""");
        IsMethodResult(duplicate, Error("error-duplicated-tag", null));
        IsMethodResult(removed, """{"msg":"result","id":"7","result":true}""");
        IsMethodResult(again, Error("tag-not-found", "Tag not found"));
    }

    [Fact]
    public async Task MethodsCheckTheirPermissionInsideTheResult()
    {
        var agent = await factory.CreateUserAsync("user", "livechat-agent");

        var tag = await agent.Api.PostAsync("method.call/livechat:saveTag", Envelope("livechat:saveTag", null, new { name = "x" }, Array.Empty<string>()));
        var field = await agent.Api.PostAsync("method.call/livechat:removeCustomField", Envelope("livechat:removeCustomField", "x"));

        IsMethodResult(tag, Error("error-not-allowed", "Not allowed"));
        IsMethodResult(field, Error("error-not-allowed", "Not allowed"));
    }

    [Fact]
    public async Task UnknownMethodsAndAnonymousCallsAnswerMethodNotFound()
    {
        var admin = await factory.AdminAsync();

        var unknown = await admin.PostAsync("method.call/no:such", Envelope("no:such"));
        var anonymous = await factory.Anonymous().PostAsync("method.callAnon/livechat:saveTag", Envelope("livechat:saveTag", null, new { name = "x" }, Array.Empty<string>()));
        var unauthenticated = await factory.Anonymous().PostAsync("method.call/livechat:saveTag", Envelope("livechat:saveTag"));

        IsMethodResult(unknown, Error(404, "Method 'no:such' not found"));
        IsMethodResult(anonymous, Error(404, "Method 'livechat:saveTag' not found"));
        unauthenticated.Is(401, """{"success":false,"error":"You must be logged in to do this.","status":"error","message":"You must be logged in to do this."}""");
    }

    [Fact]
    public async Task BrokenEnvelopesAnswer400()
    {
        var admin = await factory.AdminAsync();

        var noMessage = await admin.PostAsync("method.call/livechat:saveTag", new { });
        var notJson = await admin.PostAsync("method.call/livechat:saveTag", new { message = "{not json" });
        var noMethod = await admin.PostAsync("method.call/livechat:saveTag", new { message = """{"msg":"method","id":"1","params":[]}""" });
        var otherMethod = await admin.PostAsync("method.call/livechat:saveTag", Envelope("livechat:removeTag", "x"));

        noMessage.Is(400, """{"success":false,"error":"must have required property 'message' [invalid-params]","errorType":"invalid-params"}""");
        notJson.Is(400, """{"success":false,"error":"Invalid method call message"}""");
        noMethod.Is(400, """{"success":false,"error":"Invalid method call message"}""");
        otherMethod.Is(400, """{"success":false,"error":"Method name does not match the message"}""");
    }
}

public sealed class MethodEndpointsSqliteTests(SqliteServerFactory factory) : MethodEndpointsTests<SqliteServerFactory>(factory);

public sealed class MethodEndpointsPostgresTests(PostgresServerFactory factory) : MethodEndpointsTests<PostgresServerFactory>(factory);
