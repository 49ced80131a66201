using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Rooms;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Livechat.Server.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.OnHold;

public static class OnHoldEndpoints
{
    const string OnHoldLivechatRoom = "on-hold-livechat-room";
    const string OnHoldOthersLivechatRoom = "on-hold-others-livechat-room";

    // POST livechat/room.onHold         on-hold-livechat-room (+ serving agent or on-hold-others-livechat-room)
    // POST livechat/room.resumeOnHold   view-l-room (+ serving agent or on-hold-others-livechat-room)
    public static IEndpointRouteBuilder MapOnHold(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/livechat").WithTags("Rooms");
        group.MapPost("/room.onHold", Place).RequirePermission(OnHoldLivechatRoom)
            .WithDescription("Puts a served open chat on hold (`{roomId}`): `onHold: true` and an `omnichannel_placed_chat_on_hold` "
                + "system message with its `comment`. Refused when the visitor sent the last message, as in Rocket.Chat.");
        group.MapPost("/room.resumeOnHold", Resume).RequirePermission(Permissions.ViewLRoom)
            .WithDescription("Resumes a chat on hold (`{roomId}`): `onHold` removed and an `omnichannel_on_hold_chat_resumed` system message.");
        return app;
    }

    static readonly ObjectSchema RoomIdSchema = Schema.Object(("roomId", Schema.String())).Requires("roomId");

    static Task<Results<Ok<SuccessResponse>, ApiError>> Place(JsonBody body, CurrentUser caller, LivechatDb db, Writes writes, SettingsStore settings,
        PermissionStore permissions, TimeProvider time, CancellationToken ct) =>
        ActAsync(body, caller, db, permissions, "error-invalid-room", RoomHold.PlaceRefusal, async (room, by) =>
            await RoomHold.PlaceAsync(db, writes, settings, room, $"The chat was manually placed On Hold by {by.Name ?? "@" + by.Username}", by,
                time.UtcNow(), ct), ct);

    static Task<Results<Ok<SuccessResponse>, ApiError>> Resume(JsonBody body, CurrentUser caller, LivechatDb db, Writes writes, SettingsStore settings,
        PermissionStore permissions, TimeProvider time, CancellationToken ct) =>
        ActAsync(body, caller, db, permissions, "invalid-param", RoomHold.ResumeRefusal, async (room, by) =>
            await RoomHold.ResumeAsync(db, writes, settings, room, $"The chat was manually resumed from On Hold by {by.Name ?? "@" + by.Username}",
                by, time.UtcNow(), ct), ct);

    /// <summary>
    /// Rocket.Chat's checks (room, then the caller's right to it, then the room's state), then the write; a write that
    /// lost a race with another change of the room reads and checks again.
    /// </summary>
    static async Task<Results<Ok<SuccessResponse>, ApiError>> ActAsync(JsonBody body, CurrentUser caller, LivechatDb db, PermissionStore permissions,
        string emptyIdError, Func<LivechatRoom, string?> refusal, Func<LivechatRoom, RoomHold.Actor, Task> act, CancellationToken ct)
    {
        var roomId = (string)((JsonObject)RoomIdSchema.Validate(body.Root)!)["roomId"]!;
        if (roomId.Trim().Length == 0) return ApiError.Failure(emptyIdError);
        var name = await db.Users.AsNoTracking().Where(u => u.Id == caller.Id).Select(u => u.Name).FirstOrDefaultAsync(ct);
        var by = new RoomHold.Actor(caller.Id, caller.Username, string.IsNullOrEmpty(name) ? null : name);
        for (var attempt = 1; ; attempt++)
        {
            var room = await db.Rooms.FirstOrDefaultAsync(r => r.Id == roomId, ct);
            if (room is null) return ApiError.Failure("error-invalid-room");
            if (room.ServedById != caller.Id && !await permissions.HasAsync(caller, OnHoldOthersLivechatRoom, ct)) return ApiError.Failure("Not_authorized");
            if (refusal(room) is { } refused) return ApiError.Failure(refused);
            try
            {
                await act(room, by);
                return TypedResults.Ok(SuccessResponse.Instance);
            }
            catch (DbUpdateConcurrencyException) when (attempt < Writes.MaxLockedAttempts)
            {
                db.ChangeTracker.Clear();
            }
        }
    }
}
