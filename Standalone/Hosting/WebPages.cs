namespace LiveCounter.Standalone.Hosting;

public static class WebPages
{
    /// <summary>Serves the built pages (folder index pages, so /counter/ and /increment/ work) when they exist.</summary>
    public static IApplicationBuilder UseWebPages(this IApplicationBuilder app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context =>
            {
                // Hashed bundles never change; pages and config.json must be re-read so a deploy shows at once.
                var hashed = context.Context.Request.Path.StartsWithSegments("/assets", StringComparison.Ordinal);
                context.Context.Response.Headers.CacheControl = hashed ? "public, max-age=31536000, immutable" : "no-cache";
            },
        });
        return app;
    }
}
