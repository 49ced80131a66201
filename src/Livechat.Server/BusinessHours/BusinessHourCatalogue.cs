using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.BusinessHours;

/// <summary>
/// Reading, saving and removing business hours, shared by the REST endpoints and the DDP methods
/// <c>livechat:saveBusinessHour</c> / <c>livechat:removeBusinessHour</c> that Rocket.Chat's client calls.
/// </summary>
public static class BusinessHourCatalogue
{
    /// <summary>The one default hour has a fixed id, so two first reads cannot create two.</summary>
    public const string DefaultId = "livechat-business-hour-default";

    /// <summary>The body of <c>business-hours.save</c> and the method's one parameter (the client sends the stored hour back too).</summary>
    public static readonly ObjectSchema SaveSchema = Schema.Object(
        ("_id", Schema.String().OrNull()), ("name", Schema.String().AtMost(Limits.MaxShortTextLength)), ("active", Schema.Boolean()),
        ("type", Schema.String(BusinessHour.Default, BusinessHour.Custom)), ("timezoneName", Schema.String().AtMost(100)),
        ("timezone", Schema.Any()), ("departmentsToApplyBusinessHour", Schema.String()), ("daysOpen", Schema.Any()), ("daysTime", Schema.Any()),
        ("workHours", Schema.Array(Schema.Object(
            ("day", Schema.String(BusinessHourSchedule.Days)), ("start", Schema.Any()), ("finish", Schema.Any()), ("open", Schema.Boolean()),
            ("code", Schema.Any())).Requires("day", "start", "finish", "open").AllowingAdditional()).AtMost(7)),
        ("departments", Schema.Any()), ("ts", Schema.Any()), ("_updatedAt", Schema.Any()))
        .Requires("name", "workHours").AllowingAdditional();

    static CatalogueError Error(string code) => new(code, null, ApiError.Failure(code));

    static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;

    /// <summary>The default hour, created as Rocket.Chat creates it (every day 00:00–23:59, UTC) when none is stored yet.</summary>
    public static async Task<BusinessHour> DefaultAsync(LivechatDb db, DateTime now, CancellationToken ct)
    {
        if (await db.BusinessHours.FirstOrDefaultAsync(h => h.Id == DefaultId, ct) is { } stored) return stored;
        var created = new BusinessHour
        {
            Id = DefaultId, Name = "", Type = BusinessHour.Default, TimezoneName = "UTC",
            WorkHours = BusinessHourSchedule.Serialize(BusinessHourSchedule.AllDays()), Ts = now, UpdatedAt = now,
        };
        db.BusinessHours.Add(created);
        try
        {
            await db.SaveChangesAsync(ct);
            return created;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();   // another request created it first
            return await db.BusinessHours.FirstAsync(h => h.Id == DefaultId, ct);
        }
    }

    /// <summary>
    /// Saves the default hour (whatever <c>_id</c> says: there is one) or a custom one (new without <c>_id</c>). Its
    /// applied state is reset, so the next pass of <see cref="BusinessHourOpening"/> applies it to the agents.
    /// </summary>
    public static async Task<Outcome<BusinessHour>> SaveAsync(JsonObject request, LivechatDb db, TimeProvider time, CancellationToken ct)
    {
        var now = time.UtcNow();
        var type = (string?)request["type"] ?? BusinessHour.Default;
        // timezoneName, or the stored hour's timezone sent back ({name, utc}), or Rocket.Chat's tests' plain string.
        var zoneName = (string?)request["timezoneName"] ?? Text((request["timezone"] as JsonObject)?["name"]) ?? Text(request["timezone"]);
        if (zoneName is not null && BusinessHourSchedule.Zone(zoneName) is null) return Error("error-invalid-timezone");
        var hours = new List<WorkHour>();
        foreach (var node in request["workHours"]!.AsArray())
        {
            // The client sends the times as "08:00", the stored hour sends them back as {time: "08:00", …}.
            static string? Time(JsonNode? n) => Text(n is JsonObject o ? o["time"] : n);
            var w = node!.AsObject();
            var (start, finish) = (Time(w["start"]), Time(w["finish"]));
            if (start is null || finish is null || BusinessHourSchedule.Minutes(start) is not { } from || BusinessHourSchedule.Minutes(finish) is not { } to)
            {
                return new CatalogueError("invalid-params", null, ApiError.InvalidParams("workHours must hold times as HH:mm"));
            }
            var open = (bool)w["open"]!;
            if (open && to < from) return Error("error-business-hour-finish-time-before-start-time");
            if (open && to == from) return Error("error-business-hour-finish-time-equals-start-time");
            hours.Add(new WorkHour((string)w["day"]!, $"{from / 60:00}:{from % 60:00}", $"{to / 60:00}:{to % 60:00}", open));
        }
        if (hours.DistinctBy(h => h.Day).Count() != hours.Count) return new CatalogueError("invalid-params", null, ApiError.InvalidParams("workHours has a day twice"));

        BusinessHour? hour;
        if (type == BusinessHour.Default)
        {
            hour = await DefaultAsync(db, now, ct);
        }
        else
        {
            var id = (string?)request["_id"];
            hour = id is null ? null : await db.BusinessHours.FirstOrDefaultAsync(h => h.Id == id && h.Type == BusinessHour.Custom, ct);
            if (id is not null && hour is null) return Error("error-business-hour-not-found");
            if (hour is null)
            {
                hour = new BusinessHour { Id = Ids.NewObjectId(), Name = "", Type = BusinessHour.Custom, TimezoneName = "UTC", WorkHours = "[]", Ts = now, UpdatedAt = now };
                db.BusinessHours.Add(hour);
            }
            var departments = ((string?)request["departmentsToApplyBusinessHour"] ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Distinct(StringComparer.Ordinal).ToList();
            if (await db.Departments.CountAsync(d => departments.Contains(d.Id), ct) != departments.Count) return Error("error-invalid-department");
            // A department follows one custom hour, as in Rocket.Chat: saving it here takes it from any other.
            var others = await db.BusinessHours.Where(h => h.Type == BusinessHour.Custom && h.Id != hour.Id).ToListAsync(ct);
            foreach (var other in others.Where(o => o.Departments.Any(departments.Contains)))
            {
                other.Departments = [.. other.Departments.Where(d => !departments.Contains(d))];
                Touch(other, now);
            }
            hour.Departments = departments;
        }
        hour.Name = ((string)request["name"]!).Trim();
        hour.Active = (bool?)request["active"] ?? hour.Active;
        if (zoneName is not null) hour.TimezoneName = zoneName;
        hour.WorkHours = BusinessHourSchedule.Serialize(hours);
        Touch(hour, now);
        await db.SaveChangesAsync(ct);
        return hour;
    }

    /// <summary>Removes a custom hour; its departments' agents follow the default hour from the next pass. The default stays.</summary>
    public static async Task<Outcome<bool>> RemoveAsync(string id, string type, LivechatDb db, TimeProvider time, CancellationToken ct)
    {
        if (type != BusinessHour.Custom) return true;   // Rocket.Chat's default type removes nothing
        var hour = await db.BusinessHours.FirstOrDefaultAsync(h => h.Id == id && h.Type == BusinessHour.Custom, ct);
        if (hour is null) return Error("error-business-hour-not-found");
        db.BusinessHours.Remove(hour);
        if (await db.BusinessHours.FirstOrDefaultAsync(h => h.Id == DefaultId, ct) is { } fallback) Touch(fallback, time.UtcNow());
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>A saved change: the next pass applies the hour again.</summary>
    static void Touch(BusinessHour hour, DateTime now)
    {
        hour.AppliedOpen = null;
        hour.UpdatedAt = now;
        hour.Version++;
    }
}
