using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Security;
using Livechat.Server.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Presence;

public static class PresenceEndpoints
{
    // POST users.setStatus   auth (own status only)
    public static IEndpointRouteBuilder MapPresence(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Presence");
        group.MapPost("/users.setStatus", SetStatus).RequireRocketChatAuth()
            .WithSummary("Sets the caller's status (status and statusDefault), as Rocket.Chat's users.setStatus");
        return app;
    }

    public static IServiceCollection AddPresence(this IServiceCollection services)
    {
        services.AddSingleton<UserPresence>();
        return services;
    }

    static readonly ObjectSchema SetStatusSchema = Schema.Object(("status", Schema.String()), ("message", Schema.String()), ("userId", Schema.String()))
        .AllowingAdditional();

    /// <summary>
    /// Rocket.Chat writes the status straight onto the user (<c>status</c> and <c>statusDefault</c>), connected or not:
    /// a REST-only agent (a bot, an integration) becomes online this way and stays so until a connection of theirs
    /// opens or closes.
    /// </summary>
    static async Task<Results<Ok<SuccessResponse>, ApiError>> SetStatus(JsonBody body, CurrentUser caller, LivechatDb db, TimeProvider time,
        CancellationToken ct)
    {
        var request = (JsonObject)SetStatusSchema.Validate(body.Root)!;
        if ((string?)request["userId"] is { } userId && userId != caller.Id) return ApiError.Forbidden();
        if ((string?)request["status"] is not { } status) return TypedResults.Ok(SuccessResponse.Instance);
        if (!PresenceMethods.Statuses.Contains(status))
        {
            return ApiError.Coded("error-invalid-status", "Valid status types include online, away, offline, and busy.");
        }
        await db.Users.Where(u => u.Id == caller.Id).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.Status, status).SetProperty(u => u.StatusDefault, status).SetProperty(u => u.UpdatedAt, time.UtcNow()), ct);
        return TypedResults.Ok(SuccessResponse.Instance);
    }
}
