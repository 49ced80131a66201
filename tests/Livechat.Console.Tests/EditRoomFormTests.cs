using System.Text.Json.Nodes;
using Bunit;
using Livechat.Client;
using Livechat.Console.Components;
using Livechat.Console.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Livechat.Console.Tests;

/// <summary>
/// The room-info edit form: the body it sends to room.saveInfo (only the changed fields), its If-Match, the 412 path
/// (typed values kept, Reload takes the room's new ETag), and server validation messages under their field.
/// </summary>
public sealed class EditRoomFormTests : BunitContext
{
    const string RoomJson = """
        {"_id":"r1","t":"l","fname":"Vera","ts":"2026-01-01T10:00:00.000Z","_updatedAt":"2026-01-01T10:00:00.000Z","open":true,
         "v":{"_id":"v1","username":"guest-1","token":"tok","status":"online"},"topic":"Late order","tags":["orders"],
         "livechatData":{"orderNumber":"12"},"_version":3}
        """;

    const string VisitorJson = """
        {"_id":"v1","token":"tok","username":"guest-1","name":"Vera","visitorEmails":[{"address":"vera@example.com"}],
         "ts":"2026-01-01T10:00:00.000Z","_updatedAt":"2026-01-01T10:00:00.000Z"}
        """;

    readonly ScriptedServer _server = new();
    SaveInfoResult? _saved;

    public EditRoomFormTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton(new LivechatClient(new HttpClient(_server) { BaseAddress = new Uri("http://console.test/") }));
        Services.AddSingleton<Session>();
    }

    static Room Room(string json = RoomJson) => System.Text.Json.JsonSerializer.Deserialize<Room>(json, Web)!;

    static Visitor Visitor() => System.Text.Json.JsonSerializer.Deserialize<Visitor>(VisitorJson, Web)!;

    static readonly System.Text.Json.JsonSerializerOptions Web = new(System.Text.Json.JsonSerializerDefaults.Web);

    static readonly CustomField OrderNumber = new()
    {
        Id = "orderNumber", Label = "Order number", Scope = "room", Visibility = "visible", Type = "input", Regexp = "^[0-9]+$", Required = true,
    };

    IRenderedComponent<EditRoomForm> RenderForm() => Render<EditRoomForm>(p => p
        .Add(f => f.Room, Room())
        .Add(f => f.Visitor, Visitor())
        .Add(f => f.ETag, "\"3\"")
        .Add(f => f.Fields, [OrderNumber])
        .Add(f => f.Tags, [new Tag { Id = "t1", Name = "orders" }, new Tag { Id = "t2", Name = "vip" }])
        .Add(f => f.Priorities, [new Priority { Id = "p1", I18n = "Highest", SortItem = 1 }])
        .Add(f => f.Slas, [])
        .Add(f => f.OnSaved, (SaveInfoResult r) => _saved = r));

    ScriptedServer SavesOk() => _server.On("/api/v1/livechat/room.saveInfo", 200,
        $$"""{"success":true,"room":{{RoomJson.Replace("\"_version\":3", "\"_version\":4", StringComparison.Ordinal)}},"visitor":{{VisitorJson}}}""", "\"4\"");

    static void AssertJson(string expected, string? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual!)), $"expected {expected}\nactual   {actual}");

    [Fact]
    public void SendsOnlyTheChangedFieldsWithIfMatch()
    {
        SavesOk();
        var form = RenderForm();

        form.Find("#edit-topic").Input("Late order 77");
        AddTag(form, "vip");
        form.Find("#edit-priority").Change("p1");
        form.Find("#cf-orderNumber").Input("77");
        form.Find("form").Submit();

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/v1/livechat/room.saveInfo", request.PathAndQuery);
        Assert.Equal("\"3\"", request.Header("If-Match"));
        AssertJson("""
            {"guestData":{"_id":"v1"},
             "roomData":{"_id":"r1","topic":"Late order 77","tags":["orders","vip"],"livechatData":{"orderNumber":"77"},"priorityId":"p1"}}
            """, request.Body);
        form.WaitForAssertion(() => Assert.Equal("\"4\"", _saved?.ETag));
    }

    /// <summary>Types a tag and presses Enter in the tag input (the form's submit while the input has the focus).</summary>
    static void AddTag(IRenderedComponent<EditRoomForm> form, string tag)
    {
        form.Find("#edit-tags").Focus();
        form.Find("#edit-tags").Input(tag);
        form.Find("form").Submit();
        form.Find("#edit-tags").Blur();
    }

    [Fact]
    public void TagsAreRemovableChipsWithAutocompleteFromTheCatalogue()
    {
        SavesOk();
        var form = RenderForm();

        Assert.Equal(["vip"], form.FindAll("#edit-tags-options option").Select(o => o.GetAttribute("value")));
        form.Find("button[aria-label='Remove tag orders']").Click();
        AddTag(form, "VIP");
        Assert.Empty(_server.Requests);
        Assert.NotNull(form.Find("button[aria-label='Remove tag vip']"));
        Assert.Equal("", form.Find("#edit-tags").GetAttribute("value"));

        // A name outside the department's catalogue is refused and stays in the input.
        AddTag(form, "returns");
        Assert.Contains("not a tag of this department", form.Find("#edit-tags-notice").TextContent, StringComparison.Ordinal);
        Assert.Empty(form.FindAll("button[aria-label='Remove tag returns']"));
        Assert.Empty(_server.Requests);

        form.Find("#edit-tags").Input("");
        form.Find("form").Submit();
        AssertJson("""{"guestData":{"_id":"v1"},"roomData":{"_id":"r1","tags":["vip"]}}""", Assert.Single(_server.Requests).Body);
    }

    [Fact]
    public void AFreeTagIsAcceptedWhenTheDepartmentHasNoTags()
    {
        SavesOk();
        var form = Render<EditRoomForm>(p => p
            .Add(f => f.Room, Room()).Add(f => f.Visitor, Visitor()).Add(f => f.ETag, "\"3\"").Add(f => f.Tags, []));

        AddTag(form, " refund ");
        Assert.NotNull(form.Find("button[aria-label='Remove tag refund']"));
        form.Find("form").Submit();

        AssertJson("""{"guestData":{"_id":"v1"},"roomData":{"_id":"r1","tags":["orders","refund"]}}""", Assert.Single(_server.Requests).Body);
    }

    [Fact]
    public void WithoutTheCustomFieldPermissionTheFieldsAreReadOnlyAndNotSent()
    {
        SavesOk();
        var form = Render<EditRoomForm>(p => p
            .Add(f => f.Room, Room()).Add(f => f.Visitor, Visitor()).Add(f => f.ETag, "\"3\"").Add(f => f.Fields, [OrderNumber])
            .Add(f => f.CanEditCustomFields, false));

        Assert.True(form.Find("#cf-orderNumber").HasAttribute("readonly"));
        Assert.Equal("12", form.Find("#cf-orderNumber").GetAttribute("value"));
        form.Find("#edit-topic").Input("Late order 77");
        form.Find("form").Submit();

        AssertJson("""{"guestData":{"_id":"v1"},"roomData":{"_id":"r1","topic":"Late order 77"}}""", Assert.Single(_server.Requests).Body);
    }

    [Fact]
    public void OpeningTheFormPutsTheFocusInItsFirstField()
    {
        var form = RenderForm();

        var focus = JSInterop.VerifyFocusAsyncInvoke();
        var target = Assert.IsType<ElementReference>(focus.Arguments[0]);
        Assert.Equal(target.Id, form.Find("#edit-name").GetAttribute("blazor:elementReference"));
    }

    [Fact]
    public void ClearingAValueSendsAnEmptyStringAndGuestChangesGoInGuestData()
    {
        SavesOk();
        var form = RenderForm();

        form.Find("#edit-topic").Input("");
        form.Find("#edit-email").Input("vera@shop.example");
        form.Find("form").Submit();

        AssertJson("""
            {"guestData":{"_id":"v1","email":"vera@shop.example"},"roomData":{"_id":"r1","topic":""}}
            """, Assert.Single(_server.Requests).Body);
    }

    [Fact]
    public void NothingChangedSendsNothing()
    {
        var cancelled = false;
        var form = Render<EditRoomForm>(p => p
            .Add(f => f.Room, Room()).Add(f => f.Visitor, Visitor()).Add(f => f.ETag, "\"3\"").Add(f => f.Fields, [OrderNumber])
            .Add(f => f.OnCancel, () => cancelled = true));

        form.Find("form").Submit();

        Assert.Empty(_server.Requests);
        Assert.True(cancelled);
    }

    [Fact]
    public void AConflictKeepsTheTypedValuesAndReloadSavesAgainstTheNewETag()
    {
        _server.On("/api/v1/livechat/room.saveInfo", 412,
            $$$"""{"success":false,"error":"error-room-modified","errorType":"error-room-modified","details":{"room":{{{RoomJson}}}}}""", "\"5\"");
        var form = RenderForm();

        form.Find("#edit-topic").Input("Late order 77");
        form.Find("form").Submit();

        var alert = form.WaitForElement("[role=alert]");
        Assert.Contains("changed", alert.TextContent, StringComparison.Ordinal);
        Assert.Equal("Late order 77", form.Find("#edit-topic").GetAttribute("value"));
        Assert.Null(_saved);

        // Meanwhile the other agent set the topic to something else and the room is at version 5.
        var current = RoomJson.Replace("\"_version\":3", "\"_version\":5", StringComparison.Ordinal).Replace("\"Late order\"", "\"Other\"", StringComparison.Ordinal);
        _server.On("/api/v1/rooms.info", 200, $$"""{"success":true,"room":{{current}}}""", "\"5\"");
        _server.On("/api/v1/livechat/visitors.info", 200, $$"""{"success":true,"visitor":{{VisitorJson}}}""");
        SavesOk();
        form.FindAll("button").Single(b => b.TextContent == "Reload").Click();
        form.WaitForAssertion(() => Assert.Empty(form.FindAll("[role=alert]")));
        Assert.Equal("Late order 77", form.Find("#edit-topic").GetAttribute("value"));
        form.Find("form").Submit();

        var retry = _server.Requests.Last(r => r.PathAndQuery.EndsWith("room.saveInfo", StringComparison.Ordinal));
        Assert.Equal("\"5\"", retry.Header("If-Match"));
        AssertJson("""{"guestData":{"_id":"v1"},"roomData":{"_id":"r1","topic":"Late order 77"}}""", retry.Body);
        form.WaitForAssertion(() => Assert.NotNull(_saved));
    }

    [Fact]
    public void ServerValidationMessagesAppearUnderTheirField()
    {
        _server.On("/api/v1/livechat/room.saveInfo", 400, """{"success":false,"error":"Invalid value for Order number field"}""");
        var form = RenderForm();

        form.Find("#cf-orderNumber").Input("abc");
        form.Find("form").Submit();

        var error = form.WaitForElement("#cf-orderNumber-error");
        Assert.Equal("Invalid value for Order number field", error.TextContent);
        Assert.Equal("true", form.Find("#cf-orderNumber").GetAttribute("aria-invalid"));
        Assert.Contains("cf-orderNumber-error", form.Find("#cf-orderNumber").GetAttribute("aria-describedby"), StringComparison.Ordinal);
        Assert.Equal("abc", form.Find("#cf-orderNumber").GetAttribute("value"));

        _server.On("/api/v1/livechat/room.saveInfo", 400, """{"success":false,"error":"error-invalid-email","errorType":"error-invalid-email"}""");
        form.Find("#edit-email").Input("not-an-email");
        form.Find("form").Submit();

        form.WaitForAssertion(() => Assert.Equal("Invalid email address", form.Find("#edit-email-error").TextContent));
    }
}
