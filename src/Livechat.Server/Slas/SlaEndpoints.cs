using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Rooms;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Livechat.Server.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Slas;

public static class SlaEndpoints
{
    // GET    livechat/sla          any of manage-livechat-sla, view-l-room
    // POST   livechat/sla          manage-livechat-sla
    // GET    livechat/sla/:slaId   any of manage-livechat-sla, view-l-room
    // PUT    livechat/sla/:slaId   manage-livechat-sla
    // DELETE livechat/sla/:slaId   manage-livechat-sla
    public static IEndpointRouteBuilder MapSlas(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/livechat").WithTags("SLAs");
        group.MapGet("/sla", List).RequireAnyPermission(Permissions.ManageLivechatSla, Permissions.ViewLRoom);
        group.MapPost("/sla", Create).RequirePermission(Permissions.ManageLivechatSla);
        group.MapGet("/sla/{slaId}", Get).RequireAnyPermission(Permissions.ManageLivechatSla, Permissions.ViewLRoom);
        group.MapPut("/sla/{slaId}", Update).RequirePermission(Permissions.ManageLivechatSla);
        group.MapDelete("/sla/{slaId}", Delete).RequirePermission(Permissions.ManageLivechatSla);
        return app;
    }

    static readonly ObjectSchema SaveSchema = Schema.Object(
        ("name", Schema.String()), ("description", Schema.String()), ("dueTimeInMinutes", Schema.Integer(0, int.MaxValue)))
        .Requires("name", "dueTimeInMinutes");

    static readonly Dictionary<string, Func<SlaView, IComparable?>> SortFields = new()
    {
        ["name"] = s => s.Name, ["description"] = s => s.Description, ["dueTimeInMinutes"] = s => s.DueTimeInMinutes,
        ["_id"] = s => s.Id, ["_updatedAt"] = s => s.UpdatedAt,
    };

    static async Task<Results<Ok<SlaListResponse>, ApiError>> List(
        HttpRequest http, LivechatDb db, SettingsStore settings, CancellationToken ct)
    {
        var paging = await Paging.ReadAsync(http, settings, ct);
        var text = http.Query["text"].ToString();
        var all = await db.Slas.AsNoTracking().OrderBy(s => s.Id).ToListAsync(ct);
        var matches = all.Where(s => CatalogueListing.ContainsText(text, s.Name, s.Description)).Select(SlaView.From);
        var (page, total) = paging.Page(matches, SortFields, ("name", 1));
        return TypedResults.Ok(new SlaListResponse(page, page.Count, paging.Offset, total));
    }

    static async Task<Results<Ok<Merged<SlaView>>, ApiError>> Get(string slaId, LivechatDb db, CancellationToken ct)
    {
        var sla = await db.Slas.AsNoTracking().FirstOrDefaultAsync(s => s.Id == slaId, ct);
        return sla is null ? ApiError.NotFound($"SLA with id {slaId} not found") : TypedResults.Ok(Merged.Of(SlaView.From(sla)));
    }

    static async Task<Results<Ok<SlaResponse>, ApiError>> Create(JsonBody body, LivechatDb db, TimeProvider time, CancellationToken ct)
    {
        var (name, description, due) = Read(body);
        if (await IsDuplicateAsync(db, null, name, due, ct))
        {
            return ApiError.Failure("error-duplicated-sla");
        }
        var sla = new Sla { Id = Ids.NewObjectId(), Name = name, Description = description, DueTimeInMinutes = due, UpdatedAt = time.UtcNow() };
        db.Slas.Add(sla);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent create took the name between the check and the insert.
            return ApiError.Failure("error-duplicated-sla");
        }
        return TypedResults.Ok(new SlaResponse(SlaView.From(sla)));
    }

    static async Task<Results<Ok<SlaResponse>, ApiError>> Update(
        string slaId, JsonBody body, LivechatDb db, TimeProvider time, CancellationToken ct)
    {
        var (name, description, due) = Read(body);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var sla = await db.Slas.FirstOrDefaultAsync(s => s.Id == slaId, ct);
        if (sla is null)
        {
            return ApiError.NotFound($"SLA with id {slaId} not found");
        }
        if (await IsDuplicateAsync(db, slaId, name, due, ct))
        {
            return ApiError.Failure("error-duplicated-sla");
        }
        var now = time.UtcNow();
        var dueChanged = sla.DueTimeInMinutes != due;
        sla.Name = name;
        sla.Description = description;
        sla.DueTimeInMinutes = due;
        sla.UpdatedAt = now;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return ApiError.Failure("error-duplicated-sla");
        }
        if (dueChanged)
        {
            // Rocket.Chat's updateRoomSLA cascade, without system messages; closed rooms included.
            await RoomUpdates.UpdateAsync(db, db.Rooms.Where(r => r.SlaId == slaId && r.EstimatedWaitingTimeQueue != due),
                s => s.SetProperty(r => r.EstimatedWaitingTimeQueue, due), now, ct);
            await db.Inquiries.Where(i => i.SlaId == slaId).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.EstimatedWaitingTimeQueue, due).SetProperty(i => i.UpdatedAt, now), ct);
        }
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new SlaResponse(SlaView.From(sla)));
    }

    static async Task<Results<Ok<SuccessResponse>, ApiError>> Delete(string slaId, LivechatDb db, TimeProvider time, CancellationToken ct)
    {
        var now = time.UtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.Slas.Where(s => s.Id == slaId).ExecuteDeleteAsync(ct) == 0)
        {
            return ApiError.Failure($"SLA with id {slaId} not found");
        }
        await RoomUpdates.UpdateAsync(db, db.Rooms.Where(r => r.SlaId == slaId), s => s
            .SetProperty(r => r.SlaId, (string?)null).SetProperty(r => r.EstimatedWaitingTimeQueue, LivechatRoom.NoSlaWaitingTime), now, ct);
        await db.Inquiries.Where(i => i.SlaId == slaId).ExecuteUpdateAsync(s => s
            .SetProperty(i => i.SlaId, (string?)null).SetProperty(i => i.EstimatedWaitingTimeQueue, LivechatRoom.NoSlaWaitingTime)
            .SetProperty(i => i.UpdatedAt, now), ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(SuccessResponse.Instance);
    }

    static (string Name, string? Description, int Due) Read(JsonBody body)
    {
        var request = (JsonObject)SaveSchema.Validate(body.Root)!;
        return ((string)request["name"]!, (string?)request["description"], (int)(long)request["dueTimeInMinutes"]!);
    }

    /// <summary>Rocket.Chat refuses a second SLA with the same name or the same due time.</summary>
    static Task<bool> IsDuplicateAsync(LivechatDb db, string? exceptId, string name, int due, CancellationToken ct) =>
        db.Slas.AnyAsync(s => s.Id != exceptId && (s.Name == name || s.DueTimeInMinutes == due), ct);
}
