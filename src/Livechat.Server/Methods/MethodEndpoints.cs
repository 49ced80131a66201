using System.Text.Json;
using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Security;
using Livechat.Server.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Livechat.Server.Methods;

public sealed record MethodResponse(string Message) : ApiResponse;

/// <summary>
/// Meteor methods over REST, for older clients and Rocket.Chat's admin screens. A method's failure is still a 200
/// whose EJSON result carries the Meteor.Error; only a broken envelope is a 400.
/// </summary>
public static class MethodEndpoints
{
    // POST method.call/:method       auth; each method checks its own permission
    // POST method.callAnon/:method   none; every method offered here needs a user
    public static IEndpointRouteBuilder MapMethods(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Methods");
        group.MapPost("/method.call/{method}", Call).RequireRocketChatAuth();
        group.MapPost("/method.callAnon/{method}", CallAnon);
        return app;
    }

    static readonly ObjectSchema EnvelopeSchema = Schema.Object(("message", Schema.String())).Requires("message");

    static Task<Results<Ok<MethodResponse>, ApiError>> Call(
        string method, JsonBody body, CurrentUser caller, LivechatDb db, PermissionStore permissions, TimeProvider time, Writes writes,
        CancellationToken ct) =>
        DispatchAsync(method, body, new MeteorMethods.Context(caller, db, permissions, time, ct) { Writes = writes });

    static Task<Results<Ok<MethodResponse>, ApiError>> CallAnon(string method, JsonBody body) => DispatchAsync(method, body, null);

    static async Task<Results<Ok<MethodResponse>, ApiError>> DispatchAsync(string method, JsonBody body, MeteorMethods.Context? context)
    {
        var envelope = (JsonObject)EnvelopeSchema.Validate(body.Root)!;
        JsonObject? message;
        try
        {
            message = JsonNode.Parse((string)envelope["message"]!) as JsonObject;
        }
        catch (JsonException)
        {
            message = null;
        }
        if (message?["method"] is not JsonValue name || name.GetValueKind() != JsonValueKind.String
            || (message["params"] is { } p && p is not JsonArray))
        {
            return ApiError.Failure("Invalid method call message");
        }
        if ((string)name! != method)
        {
            return ApiError.Failure("Method name does not match the message");
        }
        var parameters = message["params"] as JsonArray ?? [];

        var outcome = await MeteorMethods.InvokeAsync(method, parameters, context);
        return TypedResults.Ok(new MethodResponse(Ejson.Stringify(MeteorMethods.Result(message["id"], outcome))));
    }
}
