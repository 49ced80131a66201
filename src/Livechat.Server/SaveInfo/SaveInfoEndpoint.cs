using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Operations;
using Livechat.Server.Rooms;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Livechat.Server.Visitors;
using Livechat.Server.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.SaveInfo;

/// <summary>
/// <c>POST livechat/room.saveInfo</c> (room-saveInfo.md). Reads and checks without any lock, changes the tracked room
/// and visitor, then writes them as one short version-checked batch (<see cref="Writes"/>). When another write changed
/// the room or the visitor in between, the whole read-check-change runs again, so the caller never sees the race;
/// a caller who sent <c>If-Match</c> gets the 412 its stale version calls for instead.
/// </summary>
public static class SaveInfoEndpoint
{
    /// <summary>Counts each answer of <see cref="HandleAsync"/> by result in <see cref="Telemetry.SaveInfoOutcomes"/>.</summary>
    public static async ValueTask<object?> CountOutcomeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var outcome = (result is INestedHttpResult nested ? nested.Result : result) switch
        {
            Ok<SaveInfoDryRun> => "dry_run",
            ApiError { StatusCode: StatusCodes.Status412PreconditionFailed } => "modified",
            ApiError { StatusCode: StatusCodes.Status403Forbidden } => "forbidden",
            ApiError => "invalid",
            _ => "saved",
        };
        Telemetry.SaveInfoOutcomes.Add(1, new KeyValuePair<string, object?>("result", outcome));
        return result;
    }

    public static async Task<Results<Ok<SuccessResponse>, Ok<SaveInfoRepresentation>, Ok<SaveInfoDryRun>, ApiError>> HandleAsync(
        JsonBody body, HttpContext http, CurrentUser caller, LivechatDb db, PermissionStore permissions, SettingsStore settings,
        Writes writes, TimeProvider time, CancellationToken ct)
    {
        var (dryRun, dryRunError) = SaveInfoAnswers.ReadDryRun(http.Request);
        if (dryRunError is not null) return dryRunError;
        var request = SaveInfoRequest.From(body.Root);
        var ifMatch = http.Request.Headers.IfMatch.ToString();
        try
        {
            return await writes.RetryOnConflictAsync(db,
                locked => SaveAsync(request, dryRun, locked, ifMatch, http, caller, db, permissions, settings, writes, time, ct), ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Even locked attempts kept losing to other writes (PostgreSQL only): a hot spot, not a bad request.
            return ApiError.Coded("error-room-modified", "The room was modified, try again");
        }
    }

    /// <summary>A room with its visitor and its inquiry (null when gone), all tracked.</summary>
    sealed record Found(LivechatRoom Room, Visitor? Visitor, Inquiry? Inquiry);

    /// <summary>The read of every attempt, compiled once: no expression tree to build, parameterize and look up per save.</summary>
    static readonly CompiledQuery<Func<LivechatDb, string, CancellationToken, Task<Found?>>> RoomWithVisitorAndInquiry = new(() => EF.CompileAsyncQuery(
        (LivechatDb db, string id, CancellationToken ct) => (
            from r in db.Rooms.Where(r => r.Id == id)
            join v in db.Visitors on r.VisitorId equals v.Id into visitors
            from v in visitors.DefaultIfEmpty()
            join i in db.Inquiries on r.Id equals i.Rid into inquiries
            from i in inquiries.DefaultIfEmpty()
            select new Found(r, v, i)).SingleOrDefault()));

    static async Task<Results<Ok<SuccessResponse>, Ok<SaveInfoRepresentation>, Ok<SaveInfoDryRun>, ApiError>> SaveAsync(
        SaveInfoRequest request, bool dryRun, bool locked, string ifMatch, HttpContext http, CurrentUser caller, LivechatDb db,
        PermissionStore permissions, SettingsStore settings, Writes writes, TimeProvider time, CancellationToken ct)
    {
        // The room, its visitor and its inquiry in one read; all stay tracked, and the room's and the visitor's
        // versions guard the write. A locked attempt locks the room first, in a statement of its own (RoomLocks says why).
        if (locked)
        {
            await RoomLocks.LockRowAsync(db, request.RoomId, ct);
        }
        var found = await RoomWithVisitorAndInquiry.For(db)(db, request.RoomId, ct);
        if (found is null)
        {
            return ApiError.Failure("error-invalid-room");
        }
        var room = found.Room;
        if (room.ServedById != caller.Id && !await permissions.HasAsync(caller, Permissions.SaveOthersLivechatRoomInfo, ct))
        {
            return ApiError.Forbidden();
        }
        if (ifMatch.Length > 0 && !RoomEtag.Matches(ifMatch, room.Version))
        {
            return RoomEtag.Modified(http.Response, room);
        }
        if (room.Sms is not null)
        {
            // P1: SMS rooms keep the phone number the SMS gateway knows.
            request = request with { Phone = null };
        }
        var check = await SaveInfoRules.CheckAsync(request, room, found.Visitor, caller, db, permissions, settings, ct);
        if (check.Error is { } error)
        {
            return error;
        }
        var visitor = check.Visitor!;

        var now = time.UtcNow();
        var changes = SaveInfoRules.Apply(request, check, room);
        if (dryRun)
        {
            // Every check has run; report the change and write nothing.
            var wouldChange = SaveInfoAnswers.Changes(db, room, visitor);
            db.ChangeTracker.Clear();
            return TypedResults.Ok(new SaveInfoDryRun(wouldChange));
        }
        if (changes.Inquiry is { } inquiryChange && found.Inquiry is { } inquiry)
        {
            SaveInfoRules.MirrorToInquiry(inquiry, room, inquiryChange, now);
        }
        SaveInfoRules.AddHistoryMessages(db, room, caller, check, changes, now);
        if (!room.Open && await settings.GetStringAsync("Livechat_webhookUrl", ct) is { Length: > 0 })
        {
            await LivechatEditWebhook.EnqueueAsync(db, room, visitor, now, ct);
        }

        // One batch: the room's version-checked UPDATE first, then the visitor, the inquiry, the side tables and the
        // inserted rows (Data/RowLockOrder), so two saves of one room, or a save and a message, never deadlock.
        await writes.SaveAsync(db, ct);

        return SaveInfoAnswers.WantsRepresentation(http.Request)
            ? TypedResults.Ok(SaveInfoAnswers.Representation(http.Response, room, visitor))
            : TypedResults.Ok(SuccessResponse.Instance);
    }
}
