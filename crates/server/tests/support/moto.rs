//! A real S3-compatible server for tests: `moto` in server mode from PyPI (installed by
//! scripts/setup.sh), started on a free port with one bucket `le-files`. Shared by the storage
//! tests and the API tests' two-instance test.
use le_server::storage::StorageConfig;

/// A moto S3 server on a free port with one bucket; stopped on drop.
pub struct Moto {
    child: std::process::Child,
    endpoint: String,
}

impl Moto {
    pub fn start() -> Moto {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = std::process::Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python3 with moto[server] (installed by scripts/setup.sh)");
        let endpoint = format!("http://127.0.0.1:{port}");
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        // The bucket is the operator's to create; here with the AWS SDK that moto ships with.
        let made = std::process::Command::new("python3")
            .args([
                "-c",
                "import boto3,sys; boto3.client('s3', endpoint_url=sys.argv[1], region_name='eu-central-1', \
                 aws_access_key_id='test', aws_secret_access_key='test').create_bucket(Bucket='le-files', \
                 CreateBucketConfiguration={'LocationConstraint': 'eu-central-1'})",
                &endpoint,
            ])
            .status()
            .unwrap();
        assert!(made.success(), "bucket not created");
        Moto { child, endpoint }
    }

    /// The file-store settings that name this server's bucket.
    pub fn config(&self) -> StorageConfig {
        StorageConfig {
            s3_endpoint: Some(self.endpoint.clone()),
            s3_bucket: Some("le-files".to_owned()),
            s3_region: "eu-central-1".to_owned(),
            s3_access_key_id: Some("test".to_owned()),
            s3_secret_access_key: Some("test".to_owned()),
            s3_allow_http: true,
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
