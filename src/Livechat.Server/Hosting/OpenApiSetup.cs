using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Livechat.Server.Hosting;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>, browsable at <c>/docs</c>), with the extensions beyond Rocket.Chat
/// described where a client meets them: <c>If-Match</c>/<c>ETag</c>, <c>Idempotency-Key</c>, the audit log, the
/// <c>room.updated</c> webhook and its deliveries, <c>Prefer: return=representation</c> and <c>?dryRun=true</c>.
/// </summary>
/// <summary><c>Docs:Enabled</c>: the Scalar reference at <c>/docs</c>; unset, it is on in Development only.</summary>
public sealed class DocsOptions
{
    public bool? Enabled { get; set; }
}

public static class OpenApiSetup
{
    /// <summary>
    /// The interactive reference at <c>/docs</c> when wanted (<see cref="DocsOptions"/>); <c>/openapi/v1.json</c> is
    /// mapped by <c>MapOpenApi</c> and stays public either way.
    /// </summary>
    public static IEndpointRouteBuilder MapLivechatDocs(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<DocsOptions>>().Value.Enabled ?? app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference("/docs");
        }
        return app;
    }

    const string Overview = """
        A Rocket.Chat-compatible Omnichannel Livechat server. Authenticate with `X-User-Id` and `X-Auth-Token` from
        `POST /api/v1/login`.

        ## Extensions beyond Rocket.Chat (all opt-in)

        **Optimistic concurrency.** Single-room answers carry the room's `_version` as a strong `ETag` (`"7"`);
        `room.saveInfo` with `If-Match` writes only while the room still has that version, else 412 `error-room-modified`
        with the current room in `details.room`:

            curl -i localhost:3000/api/v1/rooms.info?roomId=$RID -H "X-User-Id: $RC_UID" -H "X-Auth-Token: $RC_TOKEN"
            curl localhost:3000/api/v1/livechat/room.saveInfo -H "X-User-Id: $RC_UID" -H "X-Auth-Token: $RC_TOKEN" \
              -H 'Content-Type: application/json' -H 'If-Match: "7"' \
              -d '{"guestData":{"_id":"'$VID'"},"roomData":{"_id":"'$RID'","topic":"Billing"}}'

        **Idempotency.** Any POST, PUT, PATCH or DELETE under `/api/v1` with an `Idempotency-Key` header runs at most once
        per key and caller for 24 hours; a retry with the same request gets the stored answer (`Idempotent-Replayed: true`),
        the same key with another request 422 `error-idempotency-key-reused`:

            curl localhost:3000/api/v1/chat.sendMessage -H "X-User-Id: $RC_UID" -H "X-Auth-Token: $RC_TOKEN" \
              -H 'Content-Type: application/json' -H 'Idempotency-Key: 5f0c…' -d '{"message":{"rid":"'$RID'","msg":"Hi"}}'

        **Audit trail.** `GET /api/v1/livechat/room.auditLog?roomId=` lists a room's changes, newest first:

            curl "localhost:3000/api/v1/livechat/room.auditLog?roomId=$RID&count=20" -H "X-User-Id: $RC_UID" -H "X-Auth-Token: $RC_TOKEN"

        **room.updated webhook.** With `Livechat_webhook_on_room_updated` on, every committed room change is POSTed to
        `Livechat_webhookUrl` as `{"event":"room.updated","room":{…},"changes":{…},"actor":{…},"ts":…}`, signed in
        `X-Livechat-Signature: sha256=<hex HMAC-SHA256 of the body under Livechat_secret_token>`;
        `GET /api/v1/livechat/webhooks.deliveries` lists the calls:

            curl "localhost:3000/api/v1/livechat/webhooks.deliveries?status=failed" -H "X-User-Id: $RC_UID" -H "X-Auth-Token: $RC_TOKEN"

        **Useful answers.** `Prefer: return=representation` on `room.saveInfo` answers the saved room and visitor;
        `?dryRun=true` runs every check and answers the changes without writing:

            curl "localhost:3000/api/v1/livechat/room.saveInfo?dryRun=true" -H "X-User-Id: $RC_UID" -H "X-Auth-Token: $RC_TOKEN" \
              -H 'Content-Type: application/json' -d '{"guestData":{"_id":"'$VID'"},"roomData":{"_id":"'$RID'","topic":"Billing"}}'
        """;

    public static IServiceCollection AddLivechatOpenApi(this IServiceCollection services) => services.AddOpenApi(o =>
    {
        o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Livechat";
            document.Info.Description = Overview;
            return Task.CompletedTask;
        });
        o.AddOperationTransformer((operation, context, _) =>
        {
            DescribeIdempotencyKey(operation, context.Description);
            return Task.CompletedTask;
        });
    });

    /// <summary>Every write under /api/v1 honours <c>Idempotency-Key</c> (Idempotency/IdempotencyMiddleware.cs).</summary>
    static void DescribeIdempotencyKey(OpenApiOperation operation, ApiDescription api)
    {
        var path = "/" + (api.RelativePath ?? "");
        var method = api.HttpMethod ?? "";
        if (path.StartsWith("/api/v1/", StringComparison.Ordinal) && method is "POST" or "PUT" or "PATCH" or "DELETE")
        {
            Header(operation, "Idempotency-Key", "Runs the call at most once per key and caller for 24 hours; a retry with the same request replays the stored answer.");
            Response(operation, "409", "`error-idempotency-key-in-progress`: the first request with this key has not finished (or was interrupted).");
            Response(operation, "422", "`error-idempotency-key-reused`: this key was used with another method, path or body.");
        }
    }

    /// <summary>Documents a request header that <paramref name="builder"/>'s route reads (in the OpenAPI document).</summary>
    public static TBuilder WithOpenApiHeader<TBuilder>(this TBuilder builder, string name, string description)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            Header(operation, name, description);
            return Task.CompletedTask;
        });

    /// <summary>Documents a query parameter that <paramref name="builder"/>'s route reads without binding it.</summary>
    public static TBuilder WithOpenApiQuery<TBuilder>(this TBuilder builder, string name, string description, bool required = false)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            Query(operation, name, description, required);
            return Task.CompletedTask;
        });

    /// <summary>Documents a status that <paramref name="builder"/>'s route answers besides its typed results.</summary>
    public static TBuilder WithOpenApiResponse<TBuilder>(this TBuilder builder, string status, string description)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            Response(operation, status, description);
            return Task.CompletedTask;
        });

    static void Header(OpenApiOperation operation, string name, string description) =>
        Parameter(operation, name, ParameterLocation.Header, description, required: false);

    static void Query(OpenApiOperation operation, string name, string description, bool required = false) =>
        Parameter(operation, name, ParameterLocation.Query, description, required);

    static void Parameter(OpenApiOperation operation, string name, ParameterLocation location, string description, bool required)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = name, In = location, Description = description, Required = required,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
    }

    static void Response(OpenApiOperation operation, string status, string description)
    {
        operation.Responses ??= [];
        operation.Responses.TryAdd(status, new OpenApiResponse { Description = description });
    }
}
