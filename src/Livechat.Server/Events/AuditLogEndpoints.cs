using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Livechat.Server.Data;
using Livechat.Server.Hosting;
using Livechat.Server.Http;
using Livechat.Server.Rooms;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Events;

/// <summary>One committed change of a room: who, when, through which door, and each audited field's old and new value.</summary>
public sealed record AuditEntry(
    [property: JsonPropertyName("_id")] string Id,
    string RoomId,
    string Type,
    DateTime Ts,
    AuditActor? Actor,
    string Source,
    IReadOnlyDictionary<string, FieldChange> Changes);

/// <summary>The actor: <c>type</c> is <c>user</c> or <c>visitor</c> (absent on entries recorded before actors were typed).</summary>
public sealed record AuditActor([property: JsonPropertyName("_id")] string Id, string? Username, string? Type);

public sealed record AuditLogResponse(IReadOnlyList<AuditEntry> Entries, int Count, int Offset, int Total) : ApiResponse;

public static class AuditLogEndpoints
{
    // GET livechat/room.auditLog   view-l-room (+ room access)
    public static IEndpointRouteBuilder MapAuditLog(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/livechat").WithTags("Rooms")
            .MapGet("/room.auditLog", List).RequirePermission(Permissions.ViewLRoom)
            .WithDescription("A room's committed changes of audited fields (who, when, source `rest`/`method`/`system`, each field's "
                + "old and new value), newest first. Needs `view-l-room` and access to the room.")
            .WithOpenApiQuery("roomId", "The room.", required: true)
            .WithOpenApiQuery("count", "Page size.")
            .WithOpenApiQuery("offset", "Entries to skip.");
        return app;
    }

    static async Task<Results<Ok<AuditLogResponse>, ApiError>> List(HttpRequest http, CurrentUser caller, LivechatDb db,
        PermissionStore permissions, SettingsStore settings, CancellationToken ct)
    {
        if (http.Query["roomId"].ToString() is not { Length: > 0 } roomId) return ApiError.InvalidParams("must have required property 'roomId'");
        var paging = await Paging.ReadAsync(http, settings, ct);
        var room = await db.Rooms.AsNoTracking().FirstOrDefaultAsync(r => r.Id == roomId, ct);
        // As rooms.info answers.
        if (room is null) return ApiError.Coded("error-room-not-found", "The required \"roomId\" param provided does not match any room");
        if (!await RoomAccess.CanViewAsync(db, permissions, caller, room, ct)) return ApiError.Failure("not-allowed", "Not Allowed");
        var log = db.ChangeEvents.AsNoTracking().Where(e => e.RoomId == roomId && e.Audited);
        var total = await log.CountAsync(ct);
        var page = await paging.Apply(log.OrderByDescending(e => e.Seq)).Select(e => new { e.Seq, e.Data }).ToListAsync(ct);
        var entries = page.Select(row => Entry(ChangeCapture.Deserialize(row.Seq, row.Data, remote: false))).ToList();
        return TypedResults.Ok(new AuditLogResponse(entries, entries.Count, paging.Offset, total));
    }

    static AuditEntry Entry(ChangeEvent change) => new(
        change.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture), change.RoomId!, change.Type, change.Ts,
        change.Actor.Id is { } id ? new AuditActor(id, change.Actor.Username, change.Actor.Type) : null, change.Actor.Source,
        change.Changes.Where(c => ChangeFields.IsAudited(c.Key)).ToDictionary(c => c.Key, c => c.Value));

}
