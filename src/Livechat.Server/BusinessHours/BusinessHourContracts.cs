using System.Text.Json.Serialization;
using Livechat.Server.Departments;
using Livechat.Server.Http;

namespace Livechat.Server.BusinessHours;

public sealed record BusinessHourTimezoneView(string Name, string Utc);

public sealed record DayTimeView(string DayOfWeek, string Time);

public sealed record WorkHourTimeView(string Time, DayTimeView Utc, DayTimeView Cron);

public sealed record WorkHourView(string Day, WorkHourTimeView Start, WorkHourTimeView Finish, bool Open, int Code);

public sealed record BusinessHourDepartmentView([property: JsonPropertyName("_id")] string Id, string Name);

/// <summary>Rocket.Chat's <c>ILivechatBusinessHour</c> on the wire; <c>cron</c> is the UTC time too (the server keeps UTC).</summary>
public sealed record BusinessHourView(
    [property: JsonPropertyName("_id")] string Id,
    string Name,
    bool Active,
    string Type,
    BusinessHourTimezoneView Timezone,
    IReadOnlyList<WorkHourView> WorkHours,
    IReadOnlyList<BusinessHourDepartmentView>? Departments,
    DateTime Ts,
    [property: JsonPropertyName("_updatedAt")] DateTime UpdatedAt)
{
    public static BusinessHourView From(BusinessHour h, IReadOnlyList<Department>? departments, DateTime utcNow)
    {
        var zone = BusinessHourSchedule.Zone(h.TimezoneName) ?? TimeZoneInfo.Utc;
        WorkHourTimeView At(string day, string time)
        {
            var (utcDay, utcTime) = BusinessHourSchedule.ToUtc(day, time, zone, utcNow);
            return new WorkHourTimeView(time, new DayTimeView(utcDay, utcTime), new DayTimeView(utcDay, utcTime));
        }
        var hours = BusinessHourSchedule.Parse(h.WorkHours)
            .Select(w => new WorkHourView(w.Day, At(w.Day, w.Start), At(w.Day, w.Finish), w.Open, Array.IndexOf(BusinessHourSchedule.Days, w.Day)))
            .ToList();
        return new BusinessHourView(h.Id, h.Name, h.Active, h.Type, new BusinessHourTimezoneView(h.TimezoneName, BusinessHourSchedule.Offset(zone, utcNow)),
            hours, h.Type == BusinessHour.Custom ? departments?.Select(d => new BusinessHourDepartmentView(d.Id, d.Name)).ToList() ?? [] : null,
            h.Ts, h.UpdatedAt);
    }
}

public sealed record BusinessHourResponse(BusinessHourView? BusinessHour) : ApiResponse;

public sealed record BusinessHoursResponse(IReadOnlyList<BusinessHourView> BusinessHours, int Count, int Offset, int Total) : ApiResponse;
