using Bunit;
using Livechat.Client;
using Livechat.Console.Components;
using Microsoft.AspNetCore.Components;

namespace Livechat.Console.Tests;

/// <summary>
/// The room panel's Edit button follows room.saveInfo's rule: view-l-room, and serving the room or holding
/// save-others-livechat-room-info (always needed for a queued room); otherwise the room shows as read-only.
/// </summary>
public sealed class RoomEditButtonTests : BunitContext
{
    static readonly HashSet<string> Agent = new(["view-l-room"], StringComparer.Ordinal);
    static readonly HashSet<string> Manager = new(["view-l-room", "save-others-livechat-room-info"], StringComparer.Ordinal);

    static Room Room(string? servedBy, bool open = true) =>
        new() { Id = "r1", Open = open, ServedBy = servedBy is null ? null : new UserRef { Id = servedBy, Username = servedBy } };

    IRenderedComponent<RoomEditButton> RenderButton(Room room, IReadOnlySet<string>? permissions, Action? onEdit = null) =>
        Render<RoomEditButton>(p => p.Add(b => b.Room, room).Add(b => b.UserId, "me").Add(b => b.Permissions, permissions)
            .Add(b => b.OnEdit, () => onEdit?.Invoke()));

    [Fact]
    public void TheServingAgentGetsEdit()
    {
        var clicked = false;
        var button = RenderButton(Room("me"), Agent, () => clicked = true);

        button.Find("button").Click();

        Assert.Equal("Edit", button.Find("button").TextContent);
        Assert.True(clicked);
    }

    [Fact]
    public void AfterTheFormClosesTheButtonTakesTheFocusBack()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        var button = Render<RoomEditButton>(p => p.Add(b => b.Room, Room("me")).Add(b => b.UserId, "me").Add(b => b.Permissions, Agent)
            .Add(b => b.TakeFocus, true));

        var target = Assert.IsType<ElementReference>(JSInterop.VerifyFocusAsyncInvoke().Arguments[0]);
        Assert.Equal(target.Id, button.Find("button").GetAttribute("blazor:elementReference"));
    }

    [Fact]
    public void AnotherAgentsRoomIsReadOnlyWithoutSaveOthers()
    {
        var button = RenderButton(Room("other"), Agent);

        Assert.Empty(button.FindAll("button"));
        Assert.Contains("Read-only", button.Find("[role=note]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void AQueuedRoomNeedsSaveOthersEvenForItsViewer()
    {
        Assert.Empty(RenderButton(Room(null), Agent).FindAll("button"));
        Assert.Single(RenderButton(Room(null), Manager).FindAll("button"));
        Assert.Single(RenderButton(Room("other"), Manager).FindAll("button"));
    }

    [Fact]
    public void WithoutViewLRoomNothingIsEditable()
    {
        var button = RenderButton(Room("me"), new HashSet<string>(["save-others-livechat-room-info"], StringComparer.Ordinal));

        Assert.Empty(button.FindAll("button"));
        Assert.Contains("view-l-room", button.Find("[role=note]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownPermissionsLeaveTheDecisionToTheServerButClosedRoomsAreNotEdited()
    {
        Assert.Single(RenderButton(Room("other"), null).FindAll("button"));
        Assert.Empty(RenderButton(Room("me", open: false), Manager).FindAll("button"));
    }
}
