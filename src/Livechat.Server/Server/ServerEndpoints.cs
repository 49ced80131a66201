using Livechat.Server.Data;
using Livechat.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Livechat.Server.Server;

public sealed record InfoResponse(string Version) : ApiResponse;

public static class ServerEndpoints
{
    // GET /api/info   none (readiness: answers once migrations and seeding are done)
    // GET /health     none (200 when the database answers, 503 otherwise)
    public static IEndpointRouteBuilder MapServer(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/info", () => TypedResults.Ok(new InfoResponse(ServerVersion.Current))).WithTags("Server");
        app.MapGet("/health", Health).WithTags("Server");
        return app;
    }

    static async Task<Results<Ok<string>, StatusCodeHttpResult>> Health(LivechatDb db, CancellationToken ct)
    {
        try
        {
            return await db.Database.CanConnectAsync(ct) ? TypedResults.Ok("OK") : TypedResults.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return TypedResults.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
    }
}
