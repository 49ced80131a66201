using Livechat.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Livechat.Server.Realtime;

public static class RealtimeEndpoints
{
    // GET /websocket   DDP over WebSocket (Meteor's path); anyone may connect, streams and methods check their own rights
    public static IEndpointRouteBuilder MapRealtime(this IEndpointRouteBuilder app)
    {
        app.MapGet("/websocket", Accept).WithTags("Realtime").ExcludeFromDescription();
        return app;
    }

    public static IServiceCollection AddRealtime(this IServiceCollection services)
    {
        services.AddSingleton<StreamHub>();
        services.AddHostedService<RealtimeBridge>();
        return services;
    }

    static async Task<Results<EmptyHttpResult, ApiError>> Accept(HttpContext http, IServiceScopeFactory scopes, StreamHub hub,
        ILoggerFactory loggers)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            return ApiError.Failure("Can \"Upgrade\" only to \"WebSocket\".");
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        using var session = new DdpSession(socket, scopes, hub, loggers.CreateLogger<DdpSession>());
        await session.RunAsync(http.RequestAborted);
        return TypedResults.Empty;
    }
}
