using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Livechat.Server.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.BusinessHours;

public static class BusinessHourEndpoints
{
    const string ViewBusinessHours = "view-livechat-business-hours";

    // GET  livechat/business-hour            view-livechat-business-hours
    // GET  livechat/business-hours           view-livechat-business-hours
    // POST livechat/business-hours.save      view-livechat-business-hours (also the method livechat:saveBusinessHour)
    // POST livechat/business-hours.remove    view-livechat-business-hours (also the method livechat:removeBusinessHour)
    public static IEndpointRouteBuilder MapBusinessHours(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/livechat").WithTags("Business hours");
        group.MapGet("/business-hour", Get).RequirePermission(ViewBusinessHours)
            .WithDescription("One business hour: `?type=default` (the server's, created on first read: every day 00:00–23:59 UTC) or "
                + "`?type=custom&_id=…` (Rocket.Chat EE's per-department hours). Answers `{\"businessHour\":…}`.");
        group.MapGet("/business-hours", List).RequirePermission(ViewBusinessHours)
            .WithDescription("Every business hour, filtered by `name` (contains), with `count`, `offset` and `sort`.");
        group.MapPost("/business-hours.save", Save).RequirePermission(ViewBusinessHours)
            .WithDescription("Saves the default hour or a custom one: `{name, type, active, timezoneName, workHours:[{day, start:\"08:00\", "
                + "finish:\"18:00\", open}], departmentsToApplyBusinessHour:\"id1,id2\"}`. Applied to the agents at the next pass "
                + "of the timed actions (a few seconds) while `Livechat_enable_business_hours` is on.");
        group.MapPost("/business-hours.remove", Remove).RequirePermission(ViewBusinessHours)
            .WithDescription("Removes a custom hour (`{_id, type:\"custom\"}`); its departments' agents follow the default hour again.");
        return app;
    }

    static async Task<Results<Ok<BusinessHourResponse>, ApiError>> Get(HttpRequest http, LivechatDb db, TimeProvider time, CancellationToken ct)
    {
        var type = http.Query["type"].ToString() is { Length: > 0 } t ? t : BusinessHour.Default;
        var id = http.Query["_id"].ToString();
        var now = time.UtcNow();
        var hour = type == BusinessHour.Default ? await BusinessHourCatalogue.DefaultAsync(db, now, ct)
            : await db.BusinessHours.AsNoTracking().FirstOrDefaultAsync(h => h.Id == id && h.Type == type, ct);
        return TypedResults.Ok(new BusinessHourResponse(hour is null ? null : await ViewAsync(db, [hour], now, ct) is [var view] ? view : null));
    }

    static readonly Dictionary<string, Func<BusinessHourView, IComparable?>> SortFields = new()
    {
        ["name"] = h => h.Name, ["type"] = h => h.Type, ["active"] = h => h.Active, ["_id"] = h => h.Id, ["ts"] = h => h.Ts,
    };

    static async Task<Results<Ok<BusinessHoursResponse>, ApiError>> List(HttpRequest http, LivechatDb db, SettingsStore settings, TimeProvider time,
        CancellationToken ct)
    {
        var paging = await Paging.ReadAsync(http, settings, ct);
        var name = http.Query["name"].ToString();
        var now = time.UtcNow();
        await BusinessHourCatalogue.DefaultAsync(db, now, ct);
        var hours = await db.BusinessHours.AsNoTracking().OrderBy(h => h.Ts).ThenBy(h => h.Id).ToListAsync(ct);
        var views = await ViewAsync(db, [.. hours.Where(h => CatalogueListing.ContainsText(name, h.Name))], now, ct);
        var (page, total) = paging.Page(views, SortFields, ("name", 1));
        return TypedResults.Ok(new BusinessHoursResponse(page, page.Count, paging.Offset, total));
    }

    static async Task<Results<Ok<SuccessResponse>, ApiError>> Save(JsonBody body, LivechatDb db, TimeProvider time, CancellationToken ct)
    {
        var request = (JsonObject)BusinessHourCatalogue.SaveSchema.Validate(body.Root)!;
        var saved = await BusinessHourCatalogue.SaveAsync(request, db, time, ct);
        return saved.Error is { } error ? error.Rest : TypedResults.Ok(SuccessResponse.Instance);
    }

    static readonly ObjectSchema RemoveSchema = Schema.Object(("_id", Schema.String()), ("type", Schema.String())).Requires("_id", "type");

    static async Task<Results<Ok<SuccessResponse>, ApiError>> Remove(JsonBody body, LivechatDb db, TimeProvider time, CancellationToken ct)
    {
        var request = (JsonObject)RemoveSchema.Validate(body.Root)!;
        var removed = await BusinessHourCatalogue.RemoveAsync((string)request["_id"]!, (string)request["type"]!, db, time, ct);
        return removed.Error is { } error ? error.Rest : TypedResults.Ok(SuccessResponse.Instance);
    }

    /// <summary>The wire form of hours, with their departments' names read once.</summary>
    static async Task<List<BusinessHourView>> ViewAsync(LivechatDb db, List<BusinessHour> hours, DateTime now, CancellationToken ct)
    {
        var ids = hours.SelectMany(h => h.Departments).Distinct().ToList();
        var departments = ids.Count == 0 ? [] : await db.Departments.AsNoTracking().Where(d => ids.Contains(d.Id)).ToListAsync(ct);
        return [.. hours.Select(h => BusinessHourView.From(h, [.. departments.Where(d => h.Departments.Contains(d.Id))], now))];
    }
}
