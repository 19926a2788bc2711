//! The API's route table: every area builds its routes through [`ApiRouter`], which records each
//! path as it is added, so the complete list of endpoints is known (the authorisation matrix test
//! walks it; a new endpoint cannot be left out of it).
use axum::Router;
use axum::routing::MethodRouter;

use crate::AppState;

/// An axum router under `/api/v1` that also remembers its paths.
#[derive(Default)]
pub struct ApiRouter {
    router: Router<AppState>,
    paths: Vec<&'static str>,
}

impl ApiRouter {
    pub fn new() -> Self {
        ApiRouter::default()
    }

    /// Adds `path` with its methods (as `Router::route`).
    #[must_use]
    pub fn route(mut self, path: &'static str, methods: MethodRouter<AppState>) -> Self {
        self.paths.push(path);
        self.router = self.router.route(path, methods);
        self
    }

    /// Adds another area's routes.
    #[must_use]
    pub fn merge(mut self, other: ApiRouter) -> Self {
        self.paths.extend(other.paths);
        self.router = self.router.merge(other.router);
        self
    }

    /// Applies `wrap` to the routes added so far (layers shared by an area's routes).
    #[must_use]
    pub fn wrap(mut self, wrap: impl FnOnce(Router<AppState>) -> Router<AppState>) -> Self {
        self.router = wrap(self.router);
        self
    }

    /// Every path, in the order the areas added them (relative to `/api/v1`).
    pub fn paths(&self) -> &[&'static str] {
        &self.paths
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}
