using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Events;
using Livechat.Server.Http;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Livechat.Server.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Rooms;

public static class InquiryEndpoints
{
    // GET  livechat/inquiries.queued   view-l-room
    // POST livechat/inquiries.take     view-l-room
    public static IEndpointRouteBuilder MapInquiries(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/livechat").WithTags("Queue");
        group.MapGet("/inquiries.queued", Queued).RequirePermission(Permissions.ViewLRoom);
        group.MapPost("/inquiries.take", Take).RequirePermission(Permissions.ViewLRoom);
        return app;
    }

    static async Task<Results<Ok<InquiriesResponse>, ApiError>> Queued(HttpRequest http, CurrentUser caller, LivechatDb db, SettingsStore settings,
        CancellationToken ct)
    {
        var paging = await Paging.ReadAsync(http, settings, ct);
        var department = http.Query["department"].ToString();
        var mine = db.DepartmentAgents.Where(a => a.AgentId == caller.Id).Select(a => a.DepartmentId);
        // Rocket.Chat's applyDepartmentRestrictions: a department filter narrows to that department, and only to one of the caller's.
        if (department.Length > 0 && !await mine.ContainsAsync(department, ct)) return NotAuthorized();
        var query = db.Inquiries.AsNoTracking().Where(i => i.Status == "queued"
            && (department.Length > 0 ? i.Department == department : i.Department == null || mine.Contains(i.Department)));
        var total = await query.CountAsync(ct);
        var ordered = paging.Sort is [("ts", 1), ..] ? query.OrderBy(i => i.Ts) : query.OrderByDescending(i => i.Ts);
        var inquiries = await paging.Apply(ordered.ThenBy(i => i.Id)).ToListAsync(ct);
        return TypedResults.Ok(new InquiriesResponse(inquiries.Select(InquiryView.From).ToList(), inquiries.Count, paging.Offset, total));
    }

    static readonly ObjectSchema TakeSchema = Schema.Object(("inquiryId", Schema.String()), ("userId", Schema.String())).Requires("inquiryId");

    static async Task<Results<Ok<SuccessResponse>, ApiError>> Take(JsonBody body, CurrentUser caller, LivechatDb db, SettingsStore settings,
        TimeProvider time, CancellationToken ct)
    {
        var request = (JsonObject)TakeSchema.Validate(body.Root)!;
        var userId = (string?)request["userId"];
        var agent = await db.Users.FirstOrDefaultAsync(u => u.Id == (userId ?? caller.Id), ct);
        if (agent is null) return ApiError.Failure("The user is invalid");
        var inquiryId = (string)request["inquiryId"]!;
        var inquiry = await db.Inquiries.FirstOrDefaultAsync(i => i.Id == inquiryId, ct);
        if (inquiry is null) return ApiError.Coded("error-not-found", "Inquiry not found");
        if (inquiry.Status != "queued") return InquiryTaken();
        if (!await Routing.AvailableAgents(db, null).AnyAsync(u => u.Id == agent.Id, ct))
        {
            return ApiError.Coded("error-agent-status-service-offline", "Agent status is offline or Omnichannel service is not active");
        }
        // Not in Rocket.Chat: a department's inquiry goes only to an agent of that department.
        if (inquiry.Department is { } department
            && !await db.DepartmentAgents.AnyAsync(a => a.AgentId == agent.Id && a.DepartmentId == department, ct))
        {
            return NotAuthorized();
        }
        // Rocket.Chat EE's validateMaxChats: a full agent cannot take more.
        if (!(await Routing.CandidatesAsync(db, settings, inquiry.Department, ct)).Exists(c => c.Id == agent.Id))
        {
            return ApiError.Failure("error-max-number-simultaneous-chats-reached");
        }
        // Conditional and version-checked: two agents can never both take the inquiry.
        return await Routing.TakeAsync(db, inquiryId, agent.Id, agent.Username, time.UtcNow(), ct)
            ? TypedResults.Ok(SuccessResponse.Instance) : InquiryTaken();
    }

    static ApiError NotAuthorized() => ApiError.Failure("error-not-authorized");

    static ApiError InquiryTaken() => ApiError.Coded("error-inquiry-taken", "Inquiry already taken");
}
