using System.Text.Json;
using System.Text.Json.Nodes;
using Livechat.Server.CustomFields;
using Livechat.Server.Data;
using Livechat.Server.Events;
using Livechat.Server.Http;
using Livechat.Server.Idempotency;
using Livechat.Server.Messages;
using Livechat.Server.Rooms;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Livechat.Server.Users;
using Livechat.Server.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Visitors;

public static class VisitorEndpoints
{
    // POST   livechat/visitor            none (5 / 60 s)
    // GET    livechat/visitor/{token}    none
    // DELETE livechat/visitor/{token}    none (5 / 60 s)
    // POST   livechat/visitor.status     none
    // GET    livechat/visitors.info      view-l-room (+ possibleDuplicates)
    // GET    livechat/visitors.search    view-l-room
    public static IEndpointRouteBuilder MapVisitors(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/livechat").WithTags("Visitors");
        group.MapPost("/visitor", Register).WithRocketChatRateLimit(5, 60000).MintsCredentials();
        group.MapGet("/visitor/{token}", Get);
        group.MapDelete("/visitor/{token}", Delete).WithRocketChatRateLimit(5, 60000);
        group.MapPost("/visitor.status", SetStatus);
        group.MapGet("/visitors.info", Info).RequirePermission(Permissions.ViewLRoom);
        group.MapGet("/visitors.search", Search).RequirePermission(Permissions.ViewLRoom);
        return app;
    }

    static async Task<Results<Ok<VisitorResponse>, ApiError>> Register(
        JsonBody body, HttpContext http, LivechatDb db, SettingsStore settings, Writes writes, GuestNumbers guests, TimeProvider time,
        CancellationToken ct)
    {
        if (body.Object is not { } root || !root.ContainsKey("visitor"))
        {
            return MeteorCheck.Error("Missing key 'visitor'");
        }
        if (MeteorCheck.NoUnknownKeys(root, ["visitor"]) is { } unknown) return unknown;
        if (root["visitor"] is not JsonObject input)
        {
            return MeteorCheck.Error($"Expected object, got {MeteorCheck.TypeOf(root["visitor"])}", "visitor");
        }
        if (MeteorCheck.RequireString(input, "token", "visitor") is { } tokenError) return tokenError;
        foreach (var key in new[] { "name", "email", "department", "phone", "username", "id" })
        {
            if (MeteorCheck.MaybeString(input, key, "visitor") is { } error) return error;
        }
        if (ParseCustomFields(input) is { Error: { } fieldsError }) return fieldsError;

        var registration = await VisitorRegistration.ValidateAsync(input, db, ct);
        if (registration.Error is { } invalid) return invalid;
        if (await settings.GetBoolAsync("Livechat_Allow_collect_and_store_HTTP_header_informations", ct))
        {
            registration = registration with
            {
                UserAgent = http.Request.Headers.UserAgent.ToString(),
                Ip = ForwardedHeadersSetup.ClientIp(http),
                Host = http.Request.Host.ToString(),
            };
        }
        var visitor = await VisitorRegistration.SaveAsync(registration, db, writes, guests, time, ct);
        return TypedResults.Ok(new VisitorResponse(VisitorView.Own(visitor)));
    }

    /// <summary>Checks the shape of <c>visitor.customFields</c>: <c>[{key: String, value: String, overwrite: Boolean}]</c>.</summary>
    internal static (List<(string Key, string Value, bool Overwrite)>? Fields, ApiError? Error) ParseCustomFields(JsonObject input)
    {
        if (input["customFields"] is null) return (null, null);
        if (input["customFields"] is not JsonArray array)
        {
            return (null, MeteorCheck.Error($"Expected array, got {MeteorCheck.TypeOf(input["customFields"])}", "visitor.customFields"));
        }
        var result = new List<(string, string, bool)>();
        for (var i = 0; i < array.Count; i++)
        {
            var path = $"visitor.customFields[{i}]";
            if (array[i] is not JsonObject entry) return (null, MeteorCheck.Error($"Expected object, got {MeteorCheck.TypeOf(array[i])}", path));
            if ((MeteorCheck.RequireString(entry, "key", path) ?? MeteorCheck.RequireString(entry, "value", path)) is { } e) return (null, e);
            if (!entry.TryGetPropertyValue("overwrite", out var overwrite)) return (null, MeteorCheck.Error("Missing key 'overwrite'", path));
            if (overwrite?.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            {
                return (null, MeteorCheck.Error($"Expected boolean, got {MeteorCheck.TypeOf(overwrite)}", $"{path}.overwrite"));
            }
            result.Add(((string)entry["key"]!, (string)entry["value"]!, overwrite.GetValue<bool>()));
        }
        return (result, null);
    }

    static async Task<Results<Ok<VisitorResponse>, ApiError>> Get(string token, LivechatDb db, CancellationToken ct)
    {
        var visitor = await db.Visitors.AsNoTracking().FirstOrDefaultAsync(v => v.Token == token, ct);
        return visitor is null ? ApiError.Coded("invalid-token") : TypedResults.Ok(new VisitorResponse(VisitorView.Own(visitor)));
    }

    static async Task<Results<Ok<DeletedVisitorResponse>, ApiError>> Delete(
        string token, LivechatDb db, SettingsStore settings, Files.IFileStorage storage, TimeProvider time, CancellationToken ct)
    {
        var visitor = await db.Visitors.AsNoTracking().FirstOrDefaultAsync(v => v.Token == token, ct);
        if (visitor is null) return ApiError.Coded("invalid-token");
        if (!await settings.GetBoolAsync("Livechat_Allow_collect_and_store_HTTP_header_informations", ct)
            && await db.Rooms.AnyAsync(r => r.VisitorId == visitor.Id && r.Open, ct))
        {
            return ApiError.Coded("visitor-has-open-rooms", "Cannot remove visitors with opened rooms");
        }
        ChangeScope.SetVisitor(visitor.Id, visitor.Username);
        // GDPR removal: the visitor and everything of theirs, together or not at all.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var rooms = db.Rooms.Where(r => r.VisitorId == visitor.Id).Select(r => r.Id);
        var removed = await db.Rooms.AsNoTracking().Where(r => r.VisitorId == visitor.Id)
            .Select(r => new { r.Id, r.Version, r.DepartmentId, r.ServedById }).ToListAsync(ct);
        // Their change history goes too; the removal events carry ids only.
        await db.ChangeEvents.Where(e => e.VisitorId == visitor.Id || rooms.Contains(e.RoomId!)).ExecuteDeleteAsync(ct);
        await db.Messages.Where(m => rooms.Contains(m.Rid)).ExecuteDeleteAsync(ct);
        var files = await Files.FileMessages.DeleteRowsAsync(db, rooms, ct);
        await db.Inquiries.Where(i => rooms.Contains(i.Rid)).ExecuteDeleteAsync(ct);
        await db.RoomTags.Where(t => rooms.Contains(t.RoomId)).ExecuteDeleteAsync(ct);
        await db.RoomFields.Where(f => rooms.Contains(f.RoomId)).ExecuteDeleteAsync(ct);
        await db.RoomMembers.Where(m => rooms.Contains(m.RoomId)).ExecuteDeleteAsync(ct);
        await db.Rooms.Where(r => r.VisitorId == visitor.Id).ExecuteDeleteAsync(ct);
        await db.Visitors.Where(v => v.Id == visitor.Id).ExecuteDeleteAsync(ct);
        foreach (var room in removed)
        {
            db.RecordChange(new ChangeEvent
            {
                Type = ChangeTypes.RoomRemoved, Ts = default, Actor = ChangeActor.System, RoomId = room.Id, RoomVersion = room.Version,
                DepartmentId = room.DepartmentId, VisitorId = visitor.Id, AgentId = room.ServedById,
            });
        }
        db.RecordChange(new ChangeEvent { Type = ChangeTypes.VisitorRemoved, Ts = default, Actor = ChangeActor.System, VisitorId = visitor.Id });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        // The files' bytes go once their rows are gone for good.
        await Files.FileMessages.DeleteBytesAsync(storage, files, CancellationToken.None);
        return TypedResults.Ok(new DeletedVisitorResponse(new DeletedVisitorView(visitor.Id, time.UtcNow())));
    }

    static async Task<Results<Ok<VisitorStatusResponse>, ApiError>> SetStatus(
        JsonBody body, LivechatDb db, TimeProvider time, CancellationToken ct)
    {
        var input = body.Object ?? [];
        if ((MeteorCheck.RequireString(input, "token") ?? MeteorCheck.RequireString(input, "status")) is { } error) return error;
        var token = (string)input["token"]!;
        var status = (string)input["status"]!;
        if (!VisitorStatus.All.Contains(status)) return ApiError.Failure("error-invalid-status");
        if (!await VisitorStatus.SetAsync(db, token, status, time.UtcNow(), ct)) return ApiError.Coded("invalid-token");
        return TypedResults.Ok(new VisitorStatusResponse(token, status));
    }

    static async Task<Results<Ok<VisitorInfoResponse>, ApiError>> Info(HttpRequest http, LivechatDb db, CancellationToken ct)
    {
        if (http.Query["visitorId"].ToString() is not { Length: > 0 } id && !http.Query.ContainsKey("visitorId"))
        {
            return ApiError.InvalidParams("must have required property 'visitorId'");
        }
        var visitorId = http.Query["visitorId"].ToString();
        var visitor = await db.Visitors.AsNoTracking().FirstOrDefaultAsync(v => v.Id == visitorId, ct);
        if (visitor is null) return ApiError.Failure("visitor-not-found");
        var duplicates = await PossibleDuplicatesAsync(db, visitor, ct);
        return TypedResults.Ok(new VisitorInfoResponse(VisitorView.From(visitor), duplicates.Count == 0 ? null : duplicates));
    }

    /// <summary>
    /// The other visitors with the visitor's e-mail address or phone number, oldest first (both columns are indexed).
    /// Registration never merges them (a shared address proves nothing about who holds it), so staff decide.
    /// </summary>
    static Task<List<DuplicateVisitorView>> PossibleDuplicatesAsync(LivechatDb db, Visitor visitor, CancellationToken ct)
    {
        if (visitor.Email is null && visitor.Phone is null) return Task.FromResult(new List<DuplicateVisitorView>());
        var (email, phone) = (visitor.Email, visitor.Phone);
        return db.Visitors.AsNoTracking()
            .Where(v => v.Id != visitor.Id && ((email != null && v.Email == email) || (phone != null && v.Phone == phone)))
            .OrderBy(v => v.Ts).ThenBy(v => v.Id).Take(MaxDuplicates)
            .Select(v => new DuplicateVisitorView(v.Id, v.Username, v.Name, v.Ts)).ToListAsync(ct);
    }

    /// <summary>Enough to see the pattern; <c>visitors.search?term=&lt;address&gt;</c> lists every one.</summary>
    const int MaxDuplicates = 20;

    static async Task<Ok<VisitorsSearchResponse>> Search(
        HttpRequest http, LivechatDb db, SettingsStore settings, CancellationToken ct)
    {
        var paging = await Paging.ReadAsync(http, settings, ct);
        var term = http.Query["term"].ToString();
        var query = db.Visitors.AsNoTracking();
        if (term.Length > 0)
        {
            var lower = term.ToLowerInvariant();
            var byField = await VisitorsMatchingSearchableFieldsAsync(db, lower, ct);
            query = query.Where(v => v.Email == lower || v.Phone == term
                || (v.Name != null && v.Name.ToLower().Contains(lower)) || v.Username.ToLower().Contains(lower)
                || byField.Contains(v.Id));
        }
        var total = await query.CountAsync(ct);
        var ordered = paging.Sort is { Count: > 0 } sort && sort[0].Field is "name" or "username"
            ? (sort[0].Field == "name"
                ? (sort[0].Direction > 0 ? query.OrderBy(v => v.Name) : query.OrderByDescending(v => v.Name))
                : (sort[0].Direction > 0 ? query.OrderBy(v => v.Username) : query.OrderByDescending(v => v.Username)))
            : paging.Sort is [("ts", 1), ..] ? query.OrderBy(v => v.Ts) : query.OrderByDescending(v => v.Ts);
        var visitors = await paging.Apply(ordered.ThenBy(v => v.Id)).ToListAsync(ct);
        return TypedResults.Ok(new VisitorsSearchResponse(visitors.Select(VisitorSearchView.From).ToList(), visitors.Count, paging.Offset, total));
    }

    /// <summary>
    /// Visitors whose value of a searchable visitor-scope custom field contains the term. Visitor livechatData is a JSON
    /// text column, so this scan runs only when such a field exists.
    /// </summary>
    static async Task<List<string>> VisitorsMatchingSearchableFieldsAsync(LivechatDb db, string lower, CancellationToken ct)
    {
        var keys = await db.CustomFields.AsNoTracking().Where(f => f.Scope == "visitor" && f.Searchable == true).Select(f => f.Id).ToListAsync(ct);
        if (keys.Count == 0) return [];
        var candidates = await db.Visitors.AsNoTracking().Where(v => v.LivechatData != null)
            .Select(v => new { v.Id, v.LivechatData }).ToListAsync(ct);
        return candidates.Where(c => keys.Any(k => c.LivechatData!.TryGetValue(k, out var value)
            && value.Contains(lower, StringComparison.OrdinalIgnoreCase))).Select(c => c.Id).ToList();
    }
}
